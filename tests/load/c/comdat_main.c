#include <stdio.h>
int elfin_from_a(void);
int elfin_from_b(void);
int main(void) { printf("%d %d\n", elfin_from_a(), elfin_from_b()); return 0; }

#include <stdio.h>
typedef int (*relink_fn)(int);
relink_fn relink_a_ptr(void);
relink_fn relink_b_ptr(void);
int relink_a(int x);
int relink_b(int x);
int main(void) { printf("one copy %d\nvia pointer %d\na %d b %d\n", relink_a_ptr() == relink_b_ptr(), relink_a_ptr()(20), relink_a(3), relink_b(4)); return 0; }

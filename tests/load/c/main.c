/* The same calls the loader tests make, linked the ordinary way. */
#include <stdio.h>
int elfin_apply(int, int, int);
int elfin_bump(void);
int elfin_fill(int);
int elfin_report(char *, int);
int main(void) {
    char out[128];
    int n = elfin_report(out, sizeof out);
    int a = elfin_apply(0, 2, 3);
    int b1 = elfin_bump();
    int b2 = elfin_bump();
    int f1 = elfin_fill('a');
    int f2 = elfin_fill('b');
    printf("%s (%d) %d %d %d %d %d\n", out, n, a, b1, b2, f1, f2);
    return 0;
}

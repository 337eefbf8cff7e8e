/* Calls the Rust object's functions, linked the ordinary way. */
#include <stdio.h>
#include <stddef.h>
int rust_apply(unsigned, int);
size_t rust_greeting_len(void);
int rust_count(void);
int main(void) {
    int a = rust_apply(0, 21), b = rust_apply(1, 12), c = rust_apply(2, 5);
    size_t n = rust_greeting_len();
    int c1 = rust_count(), c2 = rust_count();
    printf("%d %d %d %zu %d %d\n", a, b, c, n, c1, c2);
    return 0;
}

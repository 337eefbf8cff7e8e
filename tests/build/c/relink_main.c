/* A program linked against librelink.so (tests/build/relink.rs): it uses
 * the library's variables directly (copy relocations without -fPIE),
 * interposes relink_hook, and prints what it sees; the test compares its
 * output under elfin's library with its output under GNU ld's. */
#include <stdio.h>
#include <stddef.h>

extern int relink_counter;
extern const char relink_greeting[];
extern int relink_zeros[16];
extern int relink_tentative;
extern int *relink_ptrs[];
extern int (*relink_funcs[])(int);
extern const char *const relink_names[];
int relink_apply(int i, int x);
int relink_call_hook(int x);
int relink_bump(void);
int relink_weak_sum(void);
size_t relink_format(char *buf, size_t n, int v);
void relink_sort(int *a, size_t n);

/* Interposes the library's relink_hook, for its own calls too. */
int relink_hook(int x)
{
    return x + 5000;
}

int main(void)
{
    char buf[64];
    int v[] = {5, -3, 12, 0, 7};
    printf("counter %d\n", relink_counter);
    int bumped = relink_bump();
    printf("bump %d counter %d\n", bumped, relink_counter);
    printf("tentative %d zeros[3] %d\n", relink_tentative, relink_zeros[3]);
    printf("same objects %d %d %d\n", relink_ptrs[0] == &relink_counter,
           relink_ptrs[1] == &relink_zeros[3], relink_ptrs[2] == &relink_tentative);
    printf("through table %d %d\n", *relink_ptrs[0], *relink_ptrs[1]);
    printf("greeting %s\n", relink_greeting);
    printf("names %s %s %s\n", relink_names[0], relink_names[1], relink_names[2]);
    printf("apply %d %d %d\n", relink_apply(0, 10), relink_apply(1, 10), relink_apply(2, 10));
    printf("hook %d direct %d\n", relink_call_hook(1), relink_funcs[0](1));
    printf("same function %d\n", relink_funcs[0] == relink_hook);
    printf("static via table %d\n", relink_funcs[1](41));
    printf("weak %d\n", relink_weak_sum());
    size_t n = relink_format(buf, sizeof buf, 4);
    printf("format %zu %s\n", n, buf);
    relink_sort(v, 5);
    printf("sorted %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4]);
    return 0;
}

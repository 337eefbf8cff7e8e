/* A small C library for tests/build/relink.rs: compiled by gcc or clang
 * with -fPIC, then linked into a shared object once by elfin's
 * examples/link_shared.rs and once by GNU ld (gcc -shared); a program
 * (relink_main.c, relink_dlopen.c) must print the same with either. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exported variables: initialized data, read-only data, zeros, and a
 * tentative definition (COMMON with -fcommon). */
int relink_counter = 7;
const char relink_greeting[] = "hello from relink";
int relink_zeros[16];
int relink_tentative;

/* A helper other objects of the library may call, but not programs. */
__attribute__((visibility("hidden"), noinline)) int relink_hidden_helper(int x)
{
    return x * 3 + 1;
}

/* Called from inside the library; relink_main.c defines its own, which
 * must win (symbol preemption). */
__attribute__((noinline)) int relink_hook(int x)
{
    return x + 1000;
}

/* Weak: a program may override it too; relink_missing is defined by
 * nobody and must read as null. */
__attribute__((weak, noinline)) int relink_weak(void)
{
    return 5;
}
extern int relink_missing(int) __attribute__((weak));

static __attribute__((noinline)) int add_one(int x)
{
    return x + 1;
}

static __attribute__((noinline)) int twice(int x)
{
    return x * 2;
}

/* A static table of function pointers (.data.rel.ro). */
static int (*const ops[])(int) = {add_one, twice, relink_hidden_helper};

/* Exported tables of pointers: to an exported variable, into the zeros,
 * to an exported function and to a static one. */
int *relink_ptrs[] = {&relink_counter, &relink_zeros[3], &relink_tentative};
int (*relink_funcs[])(int) = {relink_hook, add_one};
const char *const relink_names[] = {"alpha", "beta", "gamma"};

int relink_apply(int i, int x)
{
    return ops[i % 3](x);
}

int relink_call_hook(int x)
{
    return relink_hook(x) + 1;
}

int relink_bump(void)
{
    relink_tentative += 2;
    relink_zeros[3] += 10;
    return ++relink_counter;
}

int relink_weak_sum(void)
{
    return relink_weak() + (relink_missing ? relink_missing(1) : -1);
}

size_t relink_format(char *buf, size_t n, int v)
{
    snprintf(buf, n, "%s:%d:%s", relink_names[v % 3], v, relink_greeting);
    return strlen(buf);
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void relink_sort(int *a, size_t n)
{
    qsort(a, n, sizeof *a, by_value);
}

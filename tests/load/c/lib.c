/* Code for the loader tests: static data holding pointers, a table of
 * function pointers, string constants, calls between functions, calls into
 * libc (memcpy, memset, strlen, snprintf, qsort with a callback defined
 * here), a zeroed .bss array and a COMMON variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *names[] = {"delta", "alpha", "charlie", "bravo"};
static int values[] = {5, 3, 9, 1, 7, 2};
int elfin_counter = 10;
int *elfin_counter_ptr = &elfin_counter;
int elfin_common __attribute__((common));
static char buffer[8192];

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static int (*const ops[])(int, int) = {add, mul};

static int cmp_int(const void *a, const void *b) {
    return *(const int *)a - *(const int *)b;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int elfin_apply(int op, int a, int b) { return ops[op & 1](a, b); }

int elfin_bump(void) {
    elfin_common += 2;
    return ++*elfin_counter_ptr + elfin_common;
}

int elfin_fill(int c) {
    int before = buffer[8191];
    memset(buffer, c, sizeof buffer);
    return before * 1000 + buffer[8191] + (int)strlen(names[2]);
}

int elfin_report(char *out, int size) {
    int sorted[6];
    const char *n[4];
    memcpy(sorted, values, sizeof values);
    qsort(sorted, 6, sizeof(int), cmp_int);
    memcpy(n, names, sizeof names);
    qsort(n, 4, sizeof(char *), cmp_str);
    return snprintf(out, size, "%d %d %d %d %d %d|%s %s %s %s|%d", sorted[0], sorted[1],
                    sorted[2], sorted[3], sorted[4], sorted[5], n[0], n[1], n[2], n[3],
                    elfin_apply(1, 6, 7));
}

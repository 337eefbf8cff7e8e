/* Executable / object source for the elfin test corpus (see ../make.sh). */
#include <stdio.h>
#include <string.h>

extern int lib_add(int a, int b);
extern const char *lib_name(int i);
extern int lib_counter;

__thread int tls_counter = 5;          /* .tdata */
__thread int tls_zero;                 /* .tbss */

static const char greeting[] = "hello from elfin";
const char *greeting_ptr = greeting;   /* initialized data pointer: R_*_RELATIVE */
int (*add_ptr)(int, int) = lib_add;    /* pointer to an imported function */
int *counter_ptr = &lib_counter;       /* pointer to an imported variable */
int data_array[4] = { 1, 2, 3, 4 };
int bss_var;
int common_var;                        /* SHN_COMMON in obj.o (built with -fcommon) */

__attribute__((weak)) int weak_hook(int x) { return x; }

__attribute__((section(".text.foo"), noinline)) int foo(int x)
{
    return x * 3 + data_array[x & 3];
}

int main(int argc, char **argv)
{
    (void)argv;
    tls_counter += argc;
    tls_zero = foo(argc);
    printf("%s: %s %d %d %zu\n", greeting_ptr, lib_name(argc),
           add_ptr(tls_counter, tls_zero), *counter_ptr + weak_hook(bss_var + common_var),
           strlen(greeting_ptr));
    return 0;
}

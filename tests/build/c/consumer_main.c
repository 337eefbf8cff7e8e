/* A program linked directly against the elfin-built library: it uses the
 * library's variable (a copy relocation in a non-PIE program), and
 * interposes lib_hook, which the library calls through its PLT. */
#include <stdio.h>

extern int lib_var;
extern void *lib_table[2];
int lib_call_hook(void);
int *lib_var_addr(void);
int lib_get_var(void);
void lib_set_var(int);
long lib_greet(const char *);

int lib_hook(void) { return 2; }

int main(void) {
    printf("var_same=%d\n", lib_var_addr() == &lib_var);
    printf("var_initial=%d\n", lib_var);
    lib_var = 7;
    printf("lib_sees=%d\n", lib_get_var());
    lib_set_var(9);
    printf("main_sees=%d\n", lib_var);
    printf("hook=%d\n", lib_call_hook());
    printf("table_var=%d\n", lib_table[0] == (void *)&lib_var);
    printf("table_hook=%d\n", lib_table[1] == (void *)lib_hook);
    fflush(stdout);
    printf("len=%ld\n", lib_greet("hello from elfin"));
    return 0;
}

/* The elfin-built library loaded by dlopen: no interposition here, so the
 * library's internal call reaches its own lib_hook. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int *var = dlsym(h, "lib_var");
    int *(*var_addr)(void) = (int *(*)(void))dlsym(h, "lib_var_addr");
    int (*get)(void) = (int (*)(void))dlsym(h, "lib_get_var");
    void (*set)(int) = (void (*)(int))dlsym(h, "lib_set_var");
    int (*call_hook)(void) = (int (*)(void))dlsym(h, "lib_call_hook");
    long (*greet)(const char *) = (long (*)(const char *))dlsym(h, "lib_greet");
    void **table = dlsym(h, "lib_table");
    void *hook = dlsym(h, "lib_hook");
    if (!var || !var_addr || !get || !set || !call_hook || !greet || !table || !hook) {
        printf("dlsym failed\n");
        return 1;
    }
    printf("var_same=%d\n", var_addr() == var);
    printf("var_initial=%d\n", *var);
    *var = 7;
    printf("lib_sees=%d\n", get());
    set(9);
    printf("main_sees=%d\n", *var);
    printf("hook=%d\n", call_hook());
    printf("table_var=%d\n", table[0] == (void *)var);
    printf("table_hook=%d\n", table[1] == hook);
    fflush(stdout);
    printf("len=%ld\n", greet("hello from elfin"));
    return 0;
}

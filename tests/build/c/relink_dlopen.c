/* Loads the library given as argv[1] with dlopen and calls it through
 * dlsym (tests/build/relink.rs): nothing here interposes, so the
 * library's own relink_hook answers. */
#include <dlfcn.h>
#include <stdio.h>
#include <stddef.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*bump)(void) = (int (*)(void))dlsym(h, "relink_bump");
    int (*call_hook)(int) = (int (*)(int))dlsym(h, "relink_call_hook");
    int (*apply)(int, int) = (int (*)(int, int))dlsym(h, "relink_apply");
    int (*weak_sum)(void) = (int (*)(void))dlsym(h, "relink_weak_sum");
    size_t (*format)(char *, size_t, int) = (size_t (*)(char *, size_t, int))dlsym(h, "relink_format");
    int *counter = (int *)dlsym(h, "relink_counter");
    int **ptrs = (int **)dlsym(h, "relink_ptrs");
    const char *greeting = (const char *)dlsym(h, "relink_greeting");
    void *hidden = dlsym(h, "relink_hidden_helper");
    if (!bump || !call_hook || !apply || !weak_sum || !format || !counter || !ptrs || !greeting) {
        printf("dlsym: missing symbol\n");
        return 1;
    }
    char buf[64];
    int bumped = bump();
    printf("bump %d counter %d same %d\n", bumped, *counter, ptrs[0] == counter);
    printf("hook %d apply %d %d %d\n", call_hook(1), apply(0, 3), apply(1, 3), apply(2, 3));
    printf("weak %d hidden exported %d\n", weak_sum(), hidden != NULL);
    size_t n = format(buf, sizeof buf, 5);
    printf("format %zu %s greeting %s\n", n, buf, greeting);
    return dlclose(h);
}

/* The kernel's floor under case (b) of benches/load.rs, `Linked::load` of
 * the 1 MiB object, beside `dlopen` of the same C as a shared object, in
 * one process. The floor is what any loader of the object must ask of the
 * kernel and nothing else: fresh pages for `.text` (relocations patch
 * every page of it, so it cannot stay shared with the page cache), the
 * copy into them, read+execute, `.rodata` mapped from the file, unmap.
 * No parsing, no symbols, no relocation.
 *
 *   gcc -O2 benches/load_floor_object.c -o /tmp/load_floor_object -ldl
 *   /tmp/load_floor_object big.o libbig.so 2000 TEXT_OFF TEXT_SIZE RO_OFF RO_SIZE
 *
 * with the offsets and sizes of `.text` and `.rodata` from
 * `readelf -S big.o` (the files benches/load.rs builds: `big.c` compiled
 * by `gcc -c -O2` and by `gcc -shared -fPIC -O2`). Prints microseconds
 * per iteration of each. See BENCHMARKS.md, "Load (issue 10)". */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

static double micros(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fprintf(stderr, "usage: %s OBJECT SO N TEXT_OFF TEXT_SIZE RO_OFF RO_SIZE\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[3]);
    long text_off = strtol(argv[4], 0, 0), text_size = strtol(argv[5], 0, 0);
    long ro_off = strtol(argv[6], 0, 0), ro_size = strtol(argv[7], 0, 0);
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return 1;
    char *file = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    long page = 4096;
    long text_pages = (text_size + page - 1) / page * page;
    long ro_start = ro_off & ~(page - 1);
    long ro_pages = (ro_off + ro_size - ro_start + page - 1) / page * page;
    double t0 = micros();
    for (int i = 0; i < n; i++) {
        char *p = mmap(0, text_pages + ro_pages, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 1;
        memcpy(p, file + text_off, text_size);
        mprotect(p, text_pages, PROT_READ | PROT_EXEC);
        mmap(p + text_pages, ro_pages, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, ro_start);
        munmap(p, text_pages + ro_pages);
    }
    double t1 = micros();
    for (int i = 0; i < n; i++) {
        void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
        if (!h || !dlsym(h, "f_2999"))
            return 1;
        dlclose(h);
    }
    double t2 = micros();
    printf("floor %.1f us, dlopen + dlsym + dlclose %.1f us\n", (t1 - t0) / n, (t2 - t1) / n);
    return 0;
}

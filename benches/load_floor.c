/* The kernel's floor under `Image::from_bytes` of benches/load.rs's built
 * image: what the loader must ask of the kernel for a 3-page image with
 * W^X protections, and nothing else (no parsing, no relocation, no
 * lookup). One anonymous read-write mapping, the copy into it (3 page
 * faults), read-only and read+execute for two of the pages, unmap.
 *
 *   gcc -O2 benches/load_floor.c -o /tmp/load_floor
 *   perf stat -e task-clock /tmp/load_floor 20000     # CPU per iteration
 *
 * See BENCHMARKS.md, "Why (a) cannot reach 5x on this machine". */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    static char image[3 * 4096];
    for (int i = 0; i < n; i++) {
        char *p = mmap(0, sizeof image, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            return 1;
        memcpy(p, image, sizeof image);
        mprotect(p, 4096, PROT_READ);
        mprotect(p + 4096, 4096, PROT_READ | PROT_EXEC);
        munmap(p, sizeof image);
    }
    return 0;
}

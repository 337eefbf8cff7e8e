/* A library that needs no GOT and no PLT (tests/build/relink.rs): built
 * with -fvisibility=hidden, it exports only functions, calls no other
 * library, and keeps its data to itself, so -fPIC code reaches all of it
 * PC-relatively. Still a static table of function pointers, strings, a
 * table of pointers in .data, zeros, and a hidden helper. */
#define API __attribute__((visibility("default")))

static int counter = 7;
static int zeros[8];
static const char *const words[] = {"alpha", "beta", "gamma"};
static int *cells[] = {&counter, &zeros[2]};

__attribute__((noinline)) int plain_helper(int x)
{
    return x * 3 + 1;
}

static __attribute__((noinline)) int add_one(int x)
{
    return x + 1;
}

static __attribute__((noinline)) int twice(int x)
{
    return x * 2;
}

static int (*const ops[])(int) = {add_one, twice, plain_helper};

API int plain_apply(int i, int x)
{
    return ops[i % 3](x);
}

API int plain_bump(void)
{
    zeros[2] += 10;
    return ++counter + *cells[1];
}

/* Copies word i into buf (at most n bytes, NUL included): no libc. */
API int plain_word(char *buf, int n, int i)
{
    const char *w = words[i % 3];
    int k = 0;
    while (k + 1 < n && w[k]) {
        buf[k] = w[k];
        k++;
    }
    buf[k] = 0;
    return k;
}

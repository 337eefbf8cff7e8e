inline int relink_twice(int x) { return 2 * x + 1; }
typedef int (*relink_fn)(int);
extern "C" __attribute__((visibility("default"))) int relink_b(int x);
extern "C" __attribute__((visibility("default"))) relink_fn relink_a_ptr(void) { return relink_twice; }
extern "C" __attribute__((visibility("default"))) int relink_a(int x) { return relink_twice(x) + relink_b(x); }

inline int relink_twice(int x) { return 2 * x + 1; }
typedef int (*relink_fn)(int);
extern "C" __attribute__((visibility("default"))) relink_fn relink_b_ptr(void) { return relink_twice; }
extern "C" __attribute__((visibility("default"))) int relink_b(int x) { return relink_twice(x + 1); }

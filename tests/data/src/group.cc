// C++ source whose object has COMDAT section groups (SHT_GROUP), see ../make.sh.
template <typename T> T twice(T x) { return x + x; }
template int twice<int>(int);          // explicit instantiation: weak, in a COMDAT group
template long twice<long>(long);

inline int inline_fn(int x) { return x * 7; }
int use(int x) { return inline_fn(x) + twice(x); }
int (*keep_inline)(int) = inline_fn;   // forces an out-of-line COMDAT copy

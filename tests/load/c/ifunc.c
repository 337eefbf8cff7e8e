/* A local ifunc: the linker applies its resolver's result through an
   R_*_IRELATIVE relocation. */
static int impl(void) { return 42; }
static int (*pick(void))(void) { return impl; }
static int answer(void) __attribute__((ifunc("pick")));
int call_answer(void) { return answer(); }

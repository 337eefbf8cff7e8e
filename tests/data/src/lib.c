/* Shared-library source for the elfin test corpus (see ../make.sh). */
int lib_counter = 42;                 /* exported variable, version LIB_1.0 */
__thread int lib_tls = 7;             /* exported TLS variable (STT_TLS), LIB_2.0 */

static const char *const names[] = { "alpha", "beta", "gamma", "delta" };
const char *const *lib_names = names; /* pointers to pointers: R_*_RELATIVE */

static int helper(int x) { return x * 2 + 1; }

int lib_add(int a, int b)             /* LIB_1.0 */
{
    return helper(a) + b + lib_counter;
}

const char *lib_name(int i)           /* LIB_2.0 */
{
    lib_tls++;
    return lib_names[i & 3];
}

int lib_unversioned_local(void)       /* hidden by the version script */
{
    return 3;
}

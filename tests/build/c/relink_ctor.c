/* A library whose constructor must run when it is loaded
 * (tests/build/relink.rs): its .init_array needs DT_INIT_ARRAY. */
static int constructed;

__attribute__((constructor)) static void relink_ctor_init(void)
{
    constructed = 42;
}

int relink_ctor_value(void)
{
    return constructed;
}

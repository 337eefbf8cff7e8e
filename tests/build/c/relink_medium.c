/* x86-64's medium code model (tests/build/relink.rs): large data
 * (.ldata, .lbss, .lrodata) is reached from the GOT's address
 * (R_X86_64_GOTPC32 against _GLOBAL_OFFSET_TABLE_, then GOTOFF64). */
static int big_table[100000] = {1, 2, 3};
static int big_zeros[100000];
static const int big_const[100000] = {7, 8, 9};

int medium_bump(int i)
{
    big_table[i] += 10;
    big_zeros[i] += big_const[i % 3];
    return big_table[i] + big_zeros[i];
}

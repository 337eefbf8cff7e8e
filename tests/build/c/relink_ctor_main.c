/* Prints what librelink_ctor.so's constructor left (tests/build/relink.rs). */
#include <stdio.h>

int relink_ctor_value(void);

int main(void)
{
    printf("constructed %d\n", relink_ctor_value());
    return 0;
}

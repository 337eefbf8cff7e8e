/* Uses librelink_medium.so (tests/build/relink.rs). */
#include <stdio.h>

int medium_bump(int i);

int main(void)
{
    int a = medium_bump(0);
    int b = medium_bump(1);
    int c = medium_bump(99999);
    printf("%d %d %d %d\n", a, b, c, medium_bump(0));
    return 0;
}

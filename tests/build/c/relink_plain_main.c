/* Uses librelink_plain.so (tests/build/relink.rs) and prints what it gets. */
#include <stdio.h>

int plain_apply(int i, int x);
int plain_bump(void);
int plain_word(char *buf, int n, int i);

int main(void)
{
    char buf[16];
    printf("apply %d %d %d\n", plain_apply(0, 10), plain_apply(1, 10), plain_apply(2, 10));
    int first = plain_bump();
    printf("bump %d %d\n", first, plain_bump());
    for (int i = 0; i < 4; i++) {
        int n = plain_word(buf, sizeof buf, i);
        printf("word %d %s\n", n, buf);
    }
    return 0;
}

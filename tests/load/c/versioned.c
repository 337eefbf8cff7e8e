/* Two versions of one symbol (GNU symbol versioning): VER_1's answer
   returns 1, VER_2's (the default) returns 2. */
int answer_v1(void) { return 1; }
int answer_v2(void) { return 2; }
__asm__(".symver answer_v1,answer@VER_1");
__asm__(".symver answer_v2,answer@@VER_2");

        .text
        .globl  f
f:
        bl      g
        lis     3, data_ptr@ha
        addi    3, 3, data_ptr@l
        bl      h
        blr
        .section .text.other,"ax",@progbits
other:
        b       f
        bl      g
        .data
        .p2align 2
data_ptr:
        .long   f
        .long   g + 0x100
        .long   local_data - 8
local_data:
        .long   0x1234
        .long   other + 1000000

        .text
        .globl  f
f:
        call    g@PLT
        movq    data_ptr(%rip), %rax
        leaq    local_data+12(%rip), %rcx
        call    h@PLT
        ret
        .section .text.other,"ax",@progbits
other:
        jmp     f
        .byte 0x90, 0x90, 0x90
        call    g@PLT
        .data
        .p2align 3
data_ptr:
        .quad   f
        .quad   g + 0x100
        .quad   local_data - 8
        .long   h - .
local_data:
        .quad   0x1234
        .quad   other + 1000000

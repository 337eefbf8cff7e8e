# A COMDAT group `elfin_shared` whose function returns 2, and a caller.
    .section .text.elfin_shared,"axG",@progbits,elfin_shared,comdat
    .globl elfin_shared
    .type elfin_shared, @function
elfin_shared:
    movl $2, %eax
    ret
    .text
    .globl elfin_from_b
    .type elfin_from_b, @function
elfin_from_b:
    jmp elfin_shared@PLT
    .section .note.GNU-stack,"",@progbits

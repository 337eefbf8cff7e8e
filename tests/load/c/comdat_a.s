# A COMDAT group `elfin_shared` whose function returns 1, and a caller.
    .section .text.elfin_shared,"axG",@progbits,elfin_shared,comdat
    .globl elfin_shared
    .type elfin_shared, @function
elfin_shared:
    movl $1, %eax
    ret
    .text
    .globl elfin_from_a
    .type elfin_from_a, @function
elfin_from_a:
    jmp elfin_shared@PLT
    .section .note.GNU-stack,"",@progbits

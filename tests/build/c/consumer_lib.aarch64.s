// The library's code as a compiler emits it for -fPIC: calls by BL
// (CALL26), the variable through the GOT (ADR_GOT_PAGE +
// LD64_GOT_LO12_NC), and a data table of absolute addresses (ABS64).
	.text
	.globl	lib_hook
	.type	lib_hook, %function
	.p2align 2
lib_hook:
	mov	w0, #1
	ret
	.size	lib_hook, .-lib_hook

	.globl	lib_call_hook
	.type	lib_call_hook, %function
	.p2align 2
lib_call_hook:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	lib_hook
	ldp	x29, x30, [sp], #16
	ret
	.size	lib_call_hook, .-lib_call_hook

	.globl	lib_var_addr
	.type	lib_var_addr, %function
	.p2align 2
lib_var_addr:
	adrp	x0, :got:lib_var
	ldr	x0, [x0, #:got_lo12:lib_var]
	ret
	.size	lib_var_addr, .-lib_var_addr

	.globl	lib_get_var
	.type	lib_get_var, %function
	.p2align 2
lib_get_var:
	adrp	x0, :got:lib_var
	ldr	x0, [x0, #:got_lo12:lib_var]
	ldr	w0, [x0]
	ret
	.size	lib_get_var, .-lib_get_var

	.globl	lib_set_var
	.type	lib_set_var, %function
	.p2align 2
lib_set_var:
	adrp	x1, :got:lib_var
	ldr	x1, [x1, #:got_lo12:lib_var]
	str	w0, [x1]
	ret
	.size	lib_set_var, .-lib_set_var

	.globl	lib_greet
	.type	lib_greet, %function
	.p2align 2
lib_greet:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x20, x0
	bl	strlen
	mov	x19, x0
	mov	x0, x20
	bl	puts
	mov	x0, x19
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	lib_greet, .-lib_greet

	.data
	.globl	lib_var
	.type	lib_var, %object
	.balign	4
lib_var:
	.word	42
	.size	lib_var, 4

	.globl	lib_table
	.type	lib_table, %object
	.balign	8
lib_table:
	.xword	lib_var
	.xword	lib_hook
	.size	lib_table, 16
	.section	.note.GNU-stack,"",%progbits

# The library's code as a compiler emits it for -fPIC: calls through the
# PLT (PLT32), the variable through the GOT (REX_GOTPCRELX), and a data
# table of absolute addresses (R_X86_64_64).
	.text
	.globl	lib_hook
	.type	lib_hook, @function
lib_hook:
	movl	$1, %eax
	ret
	.size	lib_hook, .-lib_hook

	.globl	lib_call_hook
	.type	lib_call_hook, @function
lib_call_hook:
	subq	$8, %rsp
	call	lib_hook@PLT
	addq	$8, %rsp
	ret
	.size	lib_call_hook, .-lib_call_hook

	.globl	lib_var_addr
	.type	lib_var_addr, @function
lib_var_addr:
	movq	lib_var@GOTPCREL(%rip), %rax
	ret
	.size	lib_var_addr, .-lib_var_addr

	.globl	lib_get_var
	.type	lib_get_var, @function
lib_get_var:
	movq	lib_var@GOTPCREL(%rip), %rax
	movl	(%rax), %eax
	ret
	.size	lib_get_var, .-lib_get_var

	.globl	lib_set_var
	.type	lib_set_var, @function
lib_set_var:
	movq	lib_var@GOTPCREL(%rip), %rax
	movl	%edi, (%rax)
	ret
	.size	lib_set_var, .-lib_set_var

	.globl	lib_greet
	.type	lib_greet, @function
lib_greet:
	pushq	%rbx
	pushq	%r12
	subq	$8, %rsp
	movq	%rdi, %r12
	call	strlen@PLT
	movq	%rax, %rbx
	movq	%r12, %rdi
	call	puts@PLT
	movq	%rbx, %rax
	addq	$8, %rsp
	popq	%r12
	popq	%rbx
	ret
	.size	lib_greet, .-lib_greet

	.data
	.globl	lib_var
	.type	lib_var, @object
	.balign	4
lib_var:
	.long	42
	.size	lib_var, 4

	.globl	lib_table
	.type	lib_table, @object
	.balign	8
lib_table:
	.quad	lib_var
	.quad	lib_hook
	.size	lib_table, 16
	.section	.note.GNU-stack,"",@progbits

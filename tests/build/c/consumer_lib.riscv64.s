# The library's code as a compiler emits it for -fPIC: calls by CALL_PLT,
# the variable through the GOT (GOT_HI20 with its PCREL_LO12_I), and a
# data table of absolute addresses (R_RISCV_64).
	.text
	.globl	lib_hook
	.type	lib_hook, @function
lib_hook:
	li	a0, 1
	ret
	.size	lib_hook, .-lib_hook

	.globl	lib_call_hook
	.type	lib_call_hook, @function
lib_call_hook:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	call	lib_hook@plt
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
	.size	lib_call_hook, .-lib_call_hook

	.globl	lib_var_addr
	.type	lib_var_addr, @function
lib_var_addr:
.Lgot0:	auipc	a0, %got_pcrel_hi(lib_var)
	ld	a0, %pcrel_lo(.Lgot0)(a0)
	ret
	.size	lib_var_addr, .-lib_var_addr

	.globl	lib_get_var
	.type	lib_get_var, @function
lib_get_var:
.Lgot1:	auipc	a0, %got_pcrel_hi(lib_var)
	ld	a0, %pcrel_lo(.Lgot1)(a0)
	lw	a0, 0(a0)
	ret
	.size	lib_get_var, .-lib_get_var

	.globl	lib_set_var
	.type	lib_set_var, @function
lib_set_var:
.Lgot2:	auipc	a1, %got_pcrel_hi(lib_var)
	ld	a1, %pcrel_lo(.Lgot2)(a1)
	sw	a0, 0(a1)
	ret
	.size	lib_set_var, .-lib_set_var

	.globl	lib_greet
	.type	lib_greet, @function
lib_greet:
	addi	sp, sp, -32
	sd	ra, 24(sp)
	sd	s0, 16(sp)
	sd	s1, 8(sp)
	mv	s1, a0
	call	strlen@plt
	mv	s0, a0
	mv	a0, s1
	call	puts@plt
	mv	a0, s0
	ld	ra, 24(sp)
	ld	s0, 16(sp)
	ld	s1, 8(sp)
	addi	sp, sp, 32
	ret
	.size	lib_greet, .-lib_greet

	.data
	.globl	lib_var
	.type	lib_var, @object
	.balign	4
lib_var:
	.word	42
	.size	lib_var, 4

	.globl	lib_table
	.type	lib_table, @object
	.balign	8
lib_table:
	.dword	lib_var
	.dword	lib_hook
	.size	lib_table, 16
	.section	.note.GNU-stack,"",@progbits

// Two GOT references to one symbol with different addends: on AArch64
// the GOT entry holds S + A (AAELF64: G(GDAT(S+A))), so they are two
// entries, pointing at table[0] and table[1].
	.data
	.globl table
	.p2align 3
table:	.quad 1, 2, 3
	.text
	.globl got_plus_0
got_plus_0:
	adrp x0, :got:table
	ldr x0, [x0, :got_lo12:table]
	ret
	.globl got_plus_8
got_plus_8:
	adrp x0, :got:table+8
	ldr x0, [x0, :got_lo12:table+8]
	ret

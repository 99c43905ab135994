/* Reset code and exception glue shared by the system test ROMs.
 *
 * ROM offsets: 0x000 reset jump; 0x010 is patched by QEMU's malta (board id) and never
 * used; 0x200/0x380/0x400 are the BEV=1 vectors, which only report "BEV exception" and
 * power off. */

#define FRAME_WORDS 38
#define FRAME_SIZE (FRAME_WORDS * 4)
#define F_HI (32 * 4)
#define F_LO (33 * 4)
#define F_EPC (34 * 4)
#define F_CAUSE (35 * 4)
#define F_STATUS (36 * 4)
#define F_BADVADDR (37 * 4)

	.set	noreorder
	.set	noat

	.section .reset, "ax"
	.globl	_reset
_reset:
	b	_start
	nop

	.org	0x200
bev_vector_refill:
	b	bev_exception
	nop
	.org	0x380
bev_vector_general:
	b	bev_exception
	nop
	.org	0x400
bev_vector_int:
	b	bev_exception
	nop

	.text
	.globl	_start
_start:
	/* Malta: move the GT-64120 registers from 0x14000000 to 0x1be00000 and open the PCI
	 * I/O window at 0x18000000, as YAMON (and QEMU's own -kernel bootloader) do. Plain
	 * stores of the little-endian values; other machines ignore them. */
	lui	$t1, 0xb400
	li	$t0, 0xdf
	sw	$t0, 0x68($t1)
	lui	$t1, 0xbbe0
	li	$t0, 0xc0
	sw	$t0, 0x48($t1)
	li	$t0, 0x40
	sw	$t0, 0x50($t1)
	/* Mask every i8259 input (OCW1 to ports 0x21/0xa1): otherwise QEMU's PIIX4 PIT raises
	 * IP2 at random moments, and its Cause update can race with (and drop) Cause.TI. */
	lui	$t1, 0xb800
	li	$t0, 0xff
	sb	$t0, 0x21($t1)
	sb	$t0, 0xa1($t1)

	la	$sp, stack_top
	/* copy .data, zero .bss */
	la	$t0, _data_load
	la	$t1, _data_start
	la	$t2, _data_end
1:	beq	$t1, $t2, 2f
	nop
	lw	$t3, 0($t0)
	addiu	$t0, $t0, 4
	sw	$t3, 0($t1)
	b	1b
	addiu	$t1, $t1, 4
2:	la	$t1, _bss_start
	la	$t2, _bss_end
3:	beq	$t1, $t2, 4f
	nop
	sw	$zero, 0($t1)
	b	3b
	addiu	$t1, $t1, 4
4:
	la	$t9, init_vectors
	jalr	$t9
	nop
	la	$t9, main
	jalr	$t9
	nop
	la	$t9, poweroff
	jr	$t9
	nop

bev_exception:
	la	$sp, stack_top
	la	$a0, bev_msg
	la	$t9, puts
	jalr	$t9
	nop
	la	$t9, poweroff
	jr	$t9
	nop

/* Copied to EBase+0x000 / EBase+0x180 by init_vectors(): jump to the ROM handlers. */
	.globl	vec_stub_refill
vec_stub_refill:
	lui	$k0, %hi(refill_entry)
	addiu	$k0, $k0, %lo(refill_entry)
	jr	$k0
	nop
	.globl	vec_stub_general
vec_stub_general:
	lui	$k0, %hi(general_entry)
	addiu	$k0, $k0, %lo(general_entry)
	jr	$k0
	nop

/* Default TLB refill handler (tlb.c has its own): treat it as unexpected. */
	.weak	refill_entry
refill_entry:
	/* fall into general_entry: c_exception sees the refill as a TLBL/TLBS */

/* General exception: save everything on the exception stack, call c_exception(frame),
 * restore (with the possibly changed EPC and registers) and ERET. No nesting. */
	.globl	general_entry
general_entry:
	la	$k0, exc_stack_top - FRAME_SIZE
	sw	$1, 4($k0)
	sw	$2, 8($k0)
	sw	$3, 12($k0)
	sw	$4, 16($k0)
	sw	$5, 20($k0)
	sw	$6, 24($k0)
	sw	$7, 28($k0)
	sw	$8, 32($k0)
	sw	$9, 36($k0)
	sw	$10, 40($k0)
	sw	$11, 44($k0)
	sw	$12, 48($k0)
	sw	$13, 52($k0)
	sw	$14, 56($k0)
	sw	$15, 60($k0)
	sw	$16, 64($k0)
	sw	$17, 68($k0)
	sw	$18, 72($k0)
	sw	$19, 76($k0)
	sw	$20, 80($k0)
	sw	$21, 84($k0)
	sw	$22, 88($k0)
	sw	$23, 92($k0)
	sw	$24, 96($k0)
	sw	$25, 100($k0)
	sw	$28, 112($k0)
	sw	$29, 116($k0)
	sw	$30, 120($k0)
	sw	$31, 124($k0)
	mfhi	$k1
	sw	$k1, F_HI($k0)
	mflo	$k1
	sw	$k1, F_LO($k0)
	mfc0	$k1, $14
	sw	$k1, F_EPC($k0)
	mfc0	$k1, $13
	sw	$k1, F_CAUSE($k0)
	mfc0	$k1, $12
	sw	$k1, F_STATUS($k0)
	mfc0	$k1, $8
	sw	$k1, F_BADVADDR($k0)
	move	$sp, $k0
	la	$t9, c_exception
	jalr	$t9
	move	$a0, $sp
	move	$k0, $sp
	lw	$k1, F_EPC($k0)
	mtc0	$k1, $14
	lw	$k1, F_HI($k0)
	mthi	$k1
	lw	$k1, F_LO($k0)
	mtlo	$k1
	lw	$1, 4($k0)
	lw	$2, 8($k0)
	lw	$3, 12($k0)
	lw	$4, 16($k0)
	lw	$5, 20($k0)
	lw	$6, 24($k0)
	lw	$7, 28($k0)
	lw	$8, 32($k0)
	lw	$9, 36($k0)
	lw	$10, 40($k0)
	lw	$11, 44($k0)
	lw	$12, 48($k0)
	lw	$13, 52($k0)
	lw	$14, 56($k0)
	lw	$15, 60($k0)
	lw	$16, 64($k0)
	lw	$17, 68($k0)
	lw	$18, 72($k0)
	lw	$19, 76($k0)
	lw	$20, 80($k0)
	lw	$21, 84($k0)
	lw	$22, 88($k0)
	lw	$23, 92($k0)
	lw	$24, 96($k0)
	lw	$25, 100($k0)
	lw	$28, 112($k0)
	lw	$29, 116($k0)
	lw	$30, 120($k0)
	lw	$31, 124($k0)
	ehb
	eret
	nop

	.section .rodata
bev_msg:
	.asciz	"BEV exception\n"

	.section .bss
	.align	4
	.space	0x4000
stack_top:
	.space	0x1000
exc_stack_top:

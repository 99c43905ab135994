/* Shared header of the bare-metal system test ROMs (see README.md).
 * Output goes to the Malta ISA 16550 (serial 0, I/O port 0x3f8 behind the GT-64120 PCI I/O
 * window that crt0.S maps at physical 0x18000000); the program ends by writing 0x42 to the
 * Malta FPGA SOFTRES register, which makes `qemu-system-mipsel -no-reboot` exit. */
#ifndef SYSTEST_COMMON_H
#define SYSTEST_COMMON_H

typedef unsigned int u32;
typedef int s32;

#define UART_BASE 0xb80003f8u   /* kseg1 of physical 0x180003f8 */
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20
#define MALTA_SOFTRES 0xbf000500u /* kseg1 of physical 0x1f000500 */
#define SOFTRES_GORESET 0x42

/* CP0 access; sel must be a constant. */
#define mfc0(reg, sel) mfc0_(reg, sel)
#define mtc0(reg, sel, val) mtc0_(reg, sel, val)
#define mfc0_(reg, sel) ({ u32 __v; __asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(__v)); __v; })
#define mtc0_(reg, sel, val) __asm__ volatile("mtc0 %z0, $" #reg ", " #sel "\n\tehb" : : "Jr"((u32)(val)) : "memory")

#define C0_INDEX 0
#define C0_RANDOM 1
#define C0_ENTRYLO0 2
#define C0_ENTRYLO1 3
#define C0_CONTEXT 4
#define C0_PAGEMASK 5
#define C0_WIRED 6
#define C0_BADVADDR 8
#define C0_COUNT 9
#define C0_ENTRYHI 10
#define C0_COMPARE 11
#define C0_STATUS 12
#define C0_CAUSE 13
#define C0_EPC 14

#define ST_IE 0x1u
#define ST_EXL 0x2u
#define ST_ERL 0x4u
#define ST_KSU_USER 0x10u
#define ST_KSU_MASK 0x18u
#define ST_IM(n) (0x100u << (n))
#define ST_BEV 0x400000u
#define ST_CU0 0x10000000u

#define CAUSE_BD 0x80000000u
#define CAUSE_TI 0x40000000u
#define CAUSE_CE(c) (((c) >> 28) & 3u)
#define CAUSE_IV 0x800000u
#define CAUSE_IP(n) (0x100u << (n))
#define CAUSE_EXC(c) (((c) >> 2) & 0x1fu)

#define EXC_INT 0
#define EXC_MOD 1
#define EXC_TLBL 2
#define EXC_TLBS 3
#define EXC_ADEL 4
#define EXC_ADES 5
#define EXC_SYS 8
#define EXC_BP 9
#define EXC_RI 10
#define EXC_CPU 11
#define EXC_OV 12
#define EXC_TR 13

/* Exception vector base chosen by init_vectors() (BEV cleared). */
#define EBASE 0x80001000u

/* The trap frame saved by crt0.S general_entry; c_exception may change epc and the registers. */
struct frame {
  u32 r[32]; /* r[0], r[26], r[27] are not restored */
  u32 hi, lo, epc, cause, status, badvaddr;
};

/* Provided by each program. */
void c_exception(struct frame *f);
int main(void);

/* common.c */
void putc(int c);
void puts(const char *s);
void puthex(u32 v);
void check(const char *name, int ok, u32 value);
void init_vectors(void);
void tlb_init(void);
void tlb_write_indexed(u32 index, u32 hi, u32 lo0, u32 lo1, u32 mask);
u32 tlb_entries(void);
void poweroff(void) __attribute__((noreturn));
void unexpected(struct frame *f) __attribute__((noreturn));
void *memset(void *d, int c, unsigned n);
void *memcpy(void *d, const void *s, unsigned n);

#define barrier() __asm__ volatile("" ::: "memory")

#endif

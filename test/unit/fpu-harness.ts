// Replays the cases of test/guest/src/fpu-diff.c through the interpreter: one COP1 instruction
// with given FPRs, GPRs and FCSR, followed by the same three `addiu $t4` as the guest's stub, and
// formats the outcome in the guest's line format so it can be compared with what qemu-mipsel
// printed (test/guest/expected/fpu-diff.stdout).
import { Cpu } from '../../src/interp/cpu.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';

const CODE = 0x40_0000;
const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export interface DiffCase {
  word: number;
  fcsr: number;
  t1: number;
  t2: number;
  t3: number;
  /** [register, bits] set before the instruction (the others hold 0x12340000 + n). */
  inputs: [number, number][];
  /** The text after " : " in the guest's line. */
  expected: string;
  line: string;
}

export function parseCase(line: string): DiffCase {
  const [head, expected] = line.split(' : ') as [string, string];
  const parts = head.split(' ');
  const num = (s: string) => parseInt(s, 16) | 0;
  const inputs = parts.slice(5).map((p): [number, number] => {
    const m = /^f(\d+)=([0-9a-f]{8})$/.exec(p)!;
    return [Number(m[1]), num(m[2]!)];
  });
  return {
    word: num(parts[0]!),
    fcsr: num(parts[1]!),
    t1: num(parts[2]!),
    t2: num(parts[3]!),
    t3: num(parts[4]!),
    inputs,
    expected,
    line,
  };
}

export class FpuRunner {
  private readonly mem = new FlatMemory(0x100_0000);
  private readonly cpu: Cpu;
  private seen: ExcCode | undefined;

  constructor() {
    this.mem.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
    this.cpu = new Cpu(this.mem, {
      exception: (_cpu, code) => {
        this.seen = code;
        return Status.Stop;
      },
    });
  }

  /** Runs one case and returns the outcome text in the guest's format. */
  run(c: DiffCase): string {
    const { cpu, mem } = this;
    // ctc1 $t0, $31 sets FCSR as the guest's stub does (masking, and its own FPE check).
    const words = [0x44c8_f800, c.word, 0x258c_0001, 0x258c_0002, 0x258c_0004, 0x0000_000c];
    words.forEach((w, i) => {
      mem.i32[(CODE >>> 2) + i] = w;
    });
    cpu.invalidateCode(CODE);
    const initial = new Int32Array(32);
    for (let i = 0; i < 32; i++) initial[i] = 0x1234_0000 + i;
    for (const [reg, bits] of c.inputs) initial[reg] = bits;
    // The recordings are of FR=0 (fpu-diff selects it): 32-bit register n is FPR n's low word.
    cpu.fpr64 = false;
    for (let i = 0; i < 32; i++) cpu.fprBits[i * 2] = initial[i]!;
    cpu.fcsr = 0;
    cpu.r[8] = c.fcsr;
    cpu.r[9] = c.t1;
    cpu.r[10] = c.t2;
    cpu.r[11] = c.t3;
    cpu.r[12] = 0;
    cpu.setPc(CODE);
    cpu.nextInDelaySlot = false;
    this.seen = undefined;
    cpu.run(10);
    if (this.seen === ExcCode.FPE) return `SIGFPE fcsr=${hex(cpu.fcsr)}`;
    if (this.seen === ExcCode.RI) return 'SIGILL';
    if (this.seen !== ExcCode.Sys) return `exception ${this.seen}`;
    let out = `fcsr=${hex(cpu.fcsr)} t3=${hex(cpu.r[11]!)} t4=${hex(cpu.r[12]!)}`;
    for (let i = 0; i < 32; i++) if (cpu.fprBits[i * 2] !== initial[i]) out += ` f${i}=${hex(cpu.fprBits[i * 2]!)}`;
    return out;
  }
}

// The Linux personality of one guest process: the CpuEnvironment that services o32 system calls
// and turns CPU faults into signals, plus the process state the system calls share (memory map,
// descriptors, working directory, signal dispositions, exit status).

import * as fs from 'node:fs';
import type { Cpu, CpuEnvironment } from '../interp/cpu.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import { AddressSpace } from './address-space.js';
import { Errno } from './errno.js';
import { FdTable } from './files.js';
import { defaultActionDumpsCore, defaultActionTerminates, exitStatusForSignal, signalForException, signalName, SIGNAL_COUNT } from './signals.js';
import { o32SyscallName, O32_SYSCALL_BASE } from './syscall-names.js';
import { SYSCALL_HANDLERS, type SyscallHandler } from './syscalls.js';

/** How a process ended. */
export interface ProcessExit {
  /** Exit status as a shell sees it: the exit code, or 128 + the (host) signal number. */
  exitStatus: number;
  /** The MIPS signal that killed the process, if one did. */
  signal?: number;
}

export interface KernelOptions {
  /** Absolute host path of the program (for /proc/self/exe). */
  programPath: string;
  /** Host fd where the emulator's own diagnostics go (the guest's stderr). */
  diagnosticsFd: number;
  fds: FdTable;
  cwd: Buffer;
}

/** Syscall handlers indexed by number - 4000. */
const HANDLERS_BY_NUMBER: (SyscallHandler | undefined)[] = [];
for (const [name, handler] of Object.entries(SYSCALL_HANDLERS)) {
  let found = false;
  for (let index = 0; index < 500; index++) {
    if (o32SyscallName(index + O32_SYSCALL_BASE) === name) {
      HANDLERS_BY_NUMBER[index] = handler;
      found = true;
    }
  }
  if (!found) throw new Error(`syscall handler for unknown o32 syscall ${name}`);
}

/** The eight o32 syscall arguments: a0..a3, then the stack words at sp+16..sp+28. */
export class SyscallArgs {
  readonly words = new Int32Array(8);
  get(index: number): number {
    return this.words[index]!;
  }
  /** Argument `index` as an unsigned 32-bit value. */
  u(index: number): number {
    return this.words[index]! >>> 0;
  }
  /** The 64-bit value in the (aligned) argument pair starting at `index`, low word first. */
  u64(index: number): number {
    return (this.words[index]! >>> 0) + this.words[index + 1]! * 0x1_0000_0000;
  }
}

export class LinuxKernel implements CpuEnvironment {
  readonly space: AddressSpace;
  readonly fds: FdTable;
  readonly programPath: string;
  readonly diagnosticsFd: number;
  /** The guest's working directory (host path bytes, absolute). */
  cwd: Buffer;
  umask = 0o022;
  /** Raw struct sigaction per signal (24 bytes on MIPS: flags, handler, mask); undefined: SIG_DFL. */
  readonly sigactions: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SIGNAL_COUNT + 1);
  readonly signalMask = new Uint8Array(16);
  /** Set when the process has ended. */
  exit: ProcessExit | undefined;
  readonly pid: number;
  /** Emitted "unsupported syscall" warnings, one per number. */
  private readonly warned = new Set<number>();
  private readonly args = new SyscallArgs();
  /** Log every system call to the diagnostics fd (MIPSJIT_STRACE=1, a debugging aid). */
  straceEnabled = false;
  /** Set by a handler that has something to say after returning (pipe's second fd in v1). */
  secondResult: number | undefined;

  constructor(
    readonly cpu: Cpu,
    options: KernelOptions,
  ) {
    this.space = new AddressSpace(cpu.mem);
    this.fds = options.fds;
    this.cwd = options.cwd;
    this.programPath = options.programPath;
    this.diagnosticsFd = options.diagnosticsFd;
    this.pid = process.pid;
  }

  get mem() {
    return this.cpu.mem;
  }

  /** Writes one line of the emulator's own diagnostics. */
  diagnostic(line: string): void {
    try {
      fs.writeSync(this.diagnosticsFd, `mipsjit: ${line}\n`);
    } catch {
      // nowhere to report
    }
  }

  exception(cpu: Cpu, code: ExcCode, badVAddr: number): Status {
    if (code === ExcCode.Sys) return this.syscall(cpu);
    const word = cpu.mem.accessible(cpu.pc, 4, Perm.Read) ? cpu.mem.i32[cpu.pc >>> 2]! : 0;
    const signal = signalForException(code, word);
    if (signal === 0) {
      this.diagnostic(`unexpected exception ${code} at pc 0x${hex8(cpu.pc)}`);
      this.exit = { exitStatus: 128 + 4, signal: 4 };
      return Status.Stop;
    }
    // Signals are never delivered to guest handlers: a fault ends the process as with SIG_DFL.
    const faultAddress = code === ExcCode.TLBL || code === ExcCode.TLBS || code === ExcCode.AdEL || code === ExcCode.AdES || code === ExcCode.Mod;
    const detail = faultAddress ? ` (bad address 0x${hex8(badVAddr)})` : '';
    this.diagnostic(`guest killed by ${signalName(signal)} at pc 0x${hex8(cpu.pc)}${detail}`);
    this.exit = { exitStatus: exitStatusForSignal(signal), signal };
    return Status.Stop;
  }

  private syscall(cpu: Cpu): Status {
    const r = cpu.r;
    const number = r[2]! >>> 0;
    const args = this.args;
    const words = args.words;
    words[0] = r[4]!;
    words[1] = r[5]!;
    words[2] = r[6]!;
    words[3] = r[7]!;
    const sp = r[29]! >>> 0;
    if (this.mem.accessible(sp + 16, 16, Perm.Read)) {
      const i32 = this.mem.i32;
      if ((sp & 3) === 0) {
        words[4] = i32[(sp + 16) >>> 2]!;
        words[5] = i32[(sp + 20) >>> 2]!;
        words[6] = i32[(sp + 24) >>> 2]!;
        words[7] = i32[(sp + 28) >>> 2]!;
      }
    } else {
      words.fill(0, 4);
    }
    const handler = HANDLERS_BY_NUMBER[number - O32_SYSCALL_BASE];
    let result: number;
    if (handler === undefined) {
      if (!this.warned.has(number)) {
        this.warned.add(number);
        this.diagnostic(`unsupported syscall ${number} (${o32SyscallName(number) ?? 'unknown'})`);
      }
      result = -Errno.ENOSYS;
    } else {
      this.secondResult = undefined;
      result = handler(this, args);
    }
    if (this.straceEnabled) {
      const name = o32SyscallName(number) ?? String(number);
      this.diagnostic(`syscall ${name}(${Array.from(words.subarray(0, 6), (w) => `0x${(w >>> 0).toString(16)}`).join(', ')}) = ${result}`);
    }
    if (this.exit !== undefined) return Status.Stop;
    if (result < 0 && result >= -4095) {
      r[2] = -result;
      r[7] = 1;
    } else {
      r[2] = result;
      r[7] = 0;
      if (this.secondResult !== undefined) r[3] = this.secondResult;
    }
    return Status.Continue;
  }

  /** Ends the process with an exit code (exit, exit_group). */
  exitWith(code: number): void {
    this.exit = { exitStatus: code & 0xff };
  }

  /** The handler address recorded for `signal` (0: SIG_DFL, 1: SIG_IGN). */
  handlerOf(signal: number): number {
    const action = this.sigactions[signal];
    if (action === undefined) return 0;
    return (action[4]! | (action[5]! << 8) | (action[6]! << 16) | (action[7]! << 24)) >>> 0;
  }

  /**
   * Sends `signal` to the process itself. Without signal delivery, a signal whose disposition is
   * SIG_DFL and whose default action terminates ends the process; anything else is dropped.
   */
  raiseSignal(signal: number): void {
    if (signal === 0 || this.handlerOf(signal) !== 0 || !defaultActionTerminates(signal)) return;
    // Like qemu-mipsel, say something only for the signals that dump core (abort() and friends).
    if (defaultActionDumpsCore(signal)) this.diagnostic(`guest killed by ${signalName(signal)}`);
    this.exit = { exitStatus: exitStatusForSignal(signal), signal };
  }
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

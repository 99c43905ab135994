// The library entry (dist/mipsjit.js for Node, dist/browser/mipsjit.js for browsers): the instruction
// table tools, the interpreter, the KVM-shaped system VM (createVm) and Linux user mode from bytes
// (runLinuxProgram). In the browser build node:fs is an in-memory file system (src/browser/).

export { TABLE, Flag, type TableRow } from './isa/table.js';
export { ROWS, decode, RESERVED, type CompiledRow } from './isa/decode.js';
export { disassemble } from './isa/disasm.js';
export { assemble, assembleProgram, AssemblyError } from './isa/asm.js';
export { Cpu, type CpuEnvironment, type Engine } from './interp/cpu.js';
export { FlatMemory, Perm, PAGE_SIZE } from '../runtime/flat-memory.js';
export { ExcCode, Status } from '../runtime/exceptions.js';
export { createVm, Vm, Vcpu, Cap, MemFlag, MAX_VCPUS, type VmOptions, type RunOptions, type VcpuStats, type MemoryRegion, type Exit, type MmioHandler } from './vm/vm.js';
export { Reg } from './vm/registers.js';
export { runLinuxProgram, GuestInput, LoadError, MemoryFileSystem, type MemoryFileSystemOptions, type LinuxProgramOptions, type LinuxProgramResult, type RunProgress, type JitStats } from './run-linux.js';
export { MaltaBoard, BootConfigError, COUNT_HZ, MAX_RAM_MIB, type MaltaOptions, type MaltaStop, type MaltaStats } from './board/malta/board.js';
export { cpioNewc, busyboxRoot, type InitramfsEntry } from './board/initramfs.js';

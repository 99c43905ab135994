// The library entry (dist/mipsjit.js): the instruction table tools and the interpreter, usable in
// Node and browsers. The Linux user-mode runner needs Node's file system and lives in the CLI.

export { TABLE, Flag, type TableRow } from './isa/table.js';
export { ROWS, decode, RESERVED, type CompiledRow } from './isa/decode.js';
export { disassemble } from './isa/disasm.js';
export { assemble, assembleProgram, AssemblyError } from './isa/asm.js';
export { Cpu, type CpuEnvironment, type Engine } from './interp/cpu.js';
export { FlatMemory, Perm, PAGE_SIZE } from '../runtime/flat-memory.js';
export { ExcCode, Status } from '../runtime/exceptions.js';
export { createVm, Vm, Vcpu, Cap, MemFlag, MAX_VCPUS, type VmOptions, type RunOptions, type VcpuStats, type MemoryRegion, type Exit, type MmioHandler } from './vm/vm.js';
export { Reg } from './vm/registers.js';

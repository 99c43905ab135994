// PLACEHOLDER while the FPU is being written: every COP1 row raises Reserved Instruction.
import { ExcCode } from '../../runtime/exceptions.js';
import { Flag } from '../isa/table.js';
import { ROWS } from '../isa/decode.js';
import type { Handler } from './handlers.js';

const MEMORY_ROWS = new Set(['lwc1', 'swc1', 'ldc1', 'sdc1', 'lwxc1', 'ldxc1', 'luxc1', 'swxc1', 'sdxc1', 'suxc1']);
export const FPU_HANDLERS: Record<string, Handler> = Object.fromEntries(
  ROWS.filter((row) => !row.isAlias && (row.flags & Flag.Fpu) !== 0 && !MEMORY_ROWS.has(row.name)).map((row) => [
    row.name,
    ((cpu) => cpu.raise(ExcCode.RI, 0)) as Handler,
  ]),
);

// The handlers of the rows the run loops switch on (SWITCHED_ROWS in src/interp/dispatch.ts), each
// bound to a module-level name. A case calls its binding: V8 checks the call's one target and
// inlines the handler. Through the SWITCHED_HANDLERS array, each case also loaded the array's
// map, its length and the element before that same check. (With the word kept in the decoded page,
// DECODED_PAGE_LENGTH, the user-mode loop went from 178 to 172 x86 instructions per guest
// instruction: cachegrind over CoreMark, `node --single-threaded` so that V8 optimizes the loop at
// the same point in every run.) Names are the rows' names, with
// a format suffix in capitals (mul.d: mulD). test/interp/handlers.test.ts checks each binding
// against its row, and the switches against SWITCHED_ROWS.

import { handlerNamed, type Handler } from './handlers.js';

function switchedRow(name: string): Handler {
  const handler = handlerNamed(name);
  if (handler === undefined) throw new Error(`dispatch: no handler for ${name}`);
  return handler;
}

export const addiu = switchedRow('addiu');
export const addu = switchedRow('addu');
export const sll = switchedRow('sll');
export const beq = switchedRow('beq');
export const bne = switchedRow('bne');
export const sw = switchedRow('sw');
export const or = switchedRow('or');
export const lw = switchedRow('lw');
export const lbu = switchedRow('lbu');
export const andi = switchedRow('andi');
export const xor = switchedRow('xor');
export const srl = switchedRow('srl');
export const sltu = switchedRow('sltu');
export const sltiu = switchedRow('sltiu');
export const mul = switchedRow('mul');
export const jr = switchedRow('jr');
export const lh = switchedRow('lh');
export const slt = switchedRow('slt');
export const lhu = switchedRow('lhu');
export const sb = switchedRow('sb');
export const lui = switchedRow('lui');
export const subu = switchedRow('subu');
export const rotr = switchedRow('rotr');
export const sh = switchedRow('sh');
export const mflo = switchedRow('mflo');
export const bgezal = switchedRow('bgezal');
export const ext = switchedRow('ext');
export const madd = switchedRow('madd');
export const ori = switchedRow('ori');
export const mfhi = switchedRow('mfhi');
export const multu = switchedRow('multu');
export const ldc1 = switchedRow('ldc1');
export const movn = switchedRow('movn');
export const mult = switchedRow('mult');
export const jalr = switchedRow('jalr');
export const sllv = switchedRow('sllv');
export const mulD = switchedRow('mul.d');
export const movz = switchedRow('movz');
export const seh = switchedRow('seh');
export const sdc1 = switchedRow('sdc1');
export const and = switchedRow('and');
export const addD = switchedRow('add.d');
export const blez = switchedRow('blez');
export const xori = switchedRow('xori');
export const teq = switchedRow('teq');
export const divu = switchedRow('divu');
export const bgtz = switchedRow('bgtz');
export const lb = switchedRow('lb');
export const bltz = switchedRow('bltz');
export const srlv = switchedRow('srlv');
export const clz = switchedRow('clz');
export const rdhwr = switchedRow('rdhwr');
export const slti = switchedRow('slti');
export const nor = switchedRow('nor');
export const bgez = switchedRow('bgez');
export const sra = switchedRow('sra');
export const seb = switchedRow('seb');
export const j = switchedRow('j');
export const jal = switchedRow('jal');

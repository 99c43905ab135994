// The handlers of the rows the run loops switch on (SWITCHED_ROWS in src/interp/dispatch.ts), each
// bound to a module-level name. A case calls its binding: V8 checks the call's one target and
// inlines the handler. Through the SWITCHED_HANDLERS array, each case also loaded the array's
// map, its length and the element before that same check. (With the word kept in the decoded page,
// DECODED_PAGE_LENGTH, the user-mode loop went from 178 to 172 x86 instructions per guest
// instruction: cachegrind over CoreMark, `node --single-threaded` so that V8 optimizes the loop at
// the same point in every run.) Names are the rows' names, with a format suffix in capitals (mul.d:
// mulD). test/interp/handlers.test.ts checks each binding against its row, and the switches
// against SWITCHED_ROWS.

import { requiredHandler } from './handlers.js';

export const addiu = requiredHandler('addiu');
export const addu = requiredHandler('addu');
export const sll = requiredHandler('sll');
export const beq = requiredHandler('beq');
export const bne = requiredHandler('bne');
export const sw = requiredHandler('sw');
export const or = requiredHandler('or');
export const lw = requiredHandler('lw');
export const lbu = requiredHandler('lbu');
export const andi = requiredHandler('andi');
export const xor = requiredHandler('xor');
export const srl = requiredHandler('srl');
export const sltu = requiredHandler('sltu');
export const sltiu = requiredHandler('sltiu');
export const mul = requiredHandler('mul');
export const jr = requiredHandler('jr');
export const lh = requiredHandler('lh');
export const slt = requiredHandler('slt');
export const lhu = requiredHandler('lhu');
export const sb = requiredHandler('sb');
export const lui = requiredHandler('lui');
export const subu = requiredHandler('subu');
export const rotr = requiredHandler('rotr');
export const sh = requiredHandler('sh');
export const mflo = requiredHandler('mflo');
export const bgezal = requiredHandler('bgezal');
export const ext = requiredHandler('ext');
export const madd = requiredHandler('madd');
export const ori = requiredHandler('ori');
export const mfhi = requiredHandler('mfhi');
export const multu = requiredHandler('multu');
export const ldc1 = requiredHandler('ldc1');
export const movn = requiredHandler('movn');
export const mult = requiredHandler('mult');
export const jalr = requiredHandler('jalr');
export const sllv = requiredHandler('sllv');
export const mulD = requiredHandler('mul.d');
export const movz = requiredHandler('movz');
export const seh = requiredHandler('seh');
export const sdc1 = requiredHandler('sdc1');
export const and = requiredHandler('and');
export const addD = requiredHandler('add.d');
export const blez = requiredHandler('blez');
export const xori = requiredHandler('xori');
export const teq = requiredHandler('teq');
export const divu = requiredHandler('divu');
export const bgtz = requiredHandler('bgtz');
export const lb = requiredHandler('lb');
export const bltz = requiredHandler('bltz');
export const srlv = requiredHandler('srlv');
export const clz = requiredHandler('clz');
export const rdhwr = requiredHandler('rdhwr');
export const slti = requiredHandler('slti');
export const nor = requiredHandler('nor');
export const bgez = requiredHandler('bgez');
export const sra = requiredHandler('sra');
export const seb = requiredHandler('seb');
export const j = requiredHandler('j');
export const jal = requiredHandler('jal');

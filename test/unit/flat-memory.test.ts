// FlatMemory's access tables (runtime/flat-memory.ts AccessTable): compiled code tests loads and
// stores against them, not the permission bytes, so every way a page's permissions change must
// change its three table bytes too. Each step below changes some pages; after each, every page
// of the memory must have the table bytes its permission byte implies.

import { describe, expect, it } from 'vitest';
import { ACCESS_ALLOWED, ACCESS_TABLE_BYTES, AccessTable, FlatMemory, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';

/** The pages whose table bytes differ from what `perms` implies: "page: kind has x, wants y". */
function mismatches(memory: FlatMemory): string[] {
  const found: string[] = [];
  for (let page = 0; page < ACCESS_TABLE_BYTES; page++) {
    const perm = memory.perms[page]!;
    const readable = (perm & Perm.Read) !== 0;
    const writable = (perm & (Perm.Write | Perm.Code)) === Perm.Write;
    const wants: [AccessTable, boolean][] = [
      [AccessTable.Read, readable],
      [AccessTable.Write, writable],
      [AccessTable.ReadWrite, readable && writable],
    ];
    for (const [table, allowed] of wants) {
      const has = memory.u8[memory.accessTablesBase + table * ACCESS_TABLE_BYTES + page]!;
      if (has !== (allowed ? ACCESS_ALLOWED : 0)) found.push(`${page.toString(16)}: table ${table} has ${has}, wants ${allowed ? ACCESS_ALLOWED : 0}`);
    }
  }
  return found;
}

describe('FlatMemory access tables', () => {
  it('follow every change of a page\'s permissions', () => {
    const memory = new FlatMemory(0x0100_0000);
    const page = (n: number) => n * PAGE_SIZE;
    const steps: [string, () => void][] = [
      ['protect', () => {
        memory.protect(page(0x10), 4 * PAGE_SIZE, Perm.Read | Perm.Write);
        memory.protect(page(0x20), PAGE_SIZE, Perm.Read);
        memory.protect(page(0x21), PAGE_SIZE, Perm.Write);
        memory.protect(page(0x22), PAGE_SIZE, Perm.Read | Perm.Exec);
      }],
      ['markCode on a writable page', () => memory.markCode(0x11)],
      ['markCode on a read-only page', () => memory.markCode(0x22)],
      ['a store through prepareWrite', () => expect(memory.prepareWrite(page(0x11) + 8)).toBe(true)],
      ['dropCode', () => {
        memory.markCode(0x12);
        memory.dropCode(0x12);
      }],
      ['a host write', () => {
        memory.markCode(0x13);
        memory.write(page(0x13) + 4, new Uint8Array([1, 2, 3]));
      }],
      ['setPerm', () => memory.setPerm(0x30, Perm.Read | Perm.Write | Perm.Code)],
      ['protect over code', () => memory.protect(page(0x30), PAGE_SIZE, Perm.Read | Perm.Write)],
      ['unmapping', () => memory.protect(page(0x10), PAGE_SIZE, Perm.None)],
      ['clearTables', () => memory.clearTables()],
    ];
    for (const [name, step] of steps) {
      step();
      expect(mismatches(memory), name).toEqual([]);
    }
    // The steps did change the tables: a writable page allows stores until it holds code.
    memory.protect(page(0x40), PAGE_SIZE, Perm.Read | Perm.Write);
    expect(memory.u8[memory.accessTablesBase + AccessTable.Write * ACCESS_TABLE_BYTES + 0x40]).toBe(ACCESS_ALLOWED);
    memory.markCode(0x40);
    expect(memory.u8[memory.accessTablesBase + AccessTable.Write * ACCESS_TABLE_BYTES + 0x40]).toBe(0);
    expect(memory.u8[memory.accessTablesBase + AccessTable.Read * ACCESS_TABLE_BYTES + 0x40]).toBe(ACCESS_ALLOWED);
  });
});

// Loads and stores: byte/half/word, the unaligned LWL/LWR/SWL/SWR pairs (little-endian), LL/SC,
// and the FPU's loads and stores (a double is FPR n with FR=1, the even/odd pair with FR=0; low
// word first).

import { ExcCode, Status } from '../../runtime/exceptions.js';
import type { CpuBase } from './cpu-base.js';
import { rdOf, rsOf, rtOf, saOf, simmOf } from './fields.js';
import type { Handler } from './handlers.js';


const addressOf = (cpu: CpuBase, word: number) => (cpu.r[rsOf(word)]! + simmOf(word)) | 0;
/** Address of an indexed FPU access: base (rs) + index (rt). */
const indexedAddressOf = (cpu: CpuBase, word: number) => (cpu.r[rsOf(word)]! + cpu.r[rtOf(word)]!) | 0;

function load(cpu: CpuBase, word: number, value: number): Status {
  if (cpu.faultCode !== 0) return cpu.raiseFault();
  cpu.r[rtOf(word)] = value;
  return Status.Continue;
}

const stored = (cpu: CpuBase, ok: boolean): Status => (ok ? Status.Continue : cpu.raiseFault());

/** SWL/SWR read the word they merge into: a TLB fault of that read is a store fault (TLBS). */
function storeFault(cpu: CpuBase): Status {
  if (cpu.faultCode === ExcCode.TLBL) cpu.faultCode = ExcCode.TLBS;
  return cpu.raiseFault();
}

function loadDouble(cpu: CpuBase, address: number, register: number): Status {
  if ((address & 7) !== 0) {
    return cpu.raise(ExcCode.AdEL, address);
  }
  const low = cpu.read32(address);
  const high = cpu.read32((address + 4) | 0);
  if (cpu.faultCode !== 0) return cpu.raiseFault();
  cpu.fprBits[cpu.doubleLowIndex(register)] = low;
  cpu.fprBits[cpu.doubleHighIndex(register)] = high;
  return Status.Continue;
}

function storeDouble(cpu: CpuBase, address: number, register: number): Status {
  if ((address & 7) !== 0) {
    return cpu.raise(ExcCode.AdES, address);
  }
  // Both words share one 4 KiB page (the address is 8-byte aligned), so the first store's
  // check covers the second: a fault leaves memory untouched.
  if (!cpu.write32(address, cpu.fprBits[cpu.doubleLowIndex(register)]!)) return cpu.raiseFault();
  return stored(cpu, cpu.write32((address + 4) | 0, cpu.fprBits[cpu.doubleHighIndex(register)]!));
}

function loadSingle(cpu: CpuBase, address: number, register: number): Status {
  const value = cpu.read32(address);
  if (cpu.faultCode !== 0) return cpu.raiseFault();
  cpu.fprBits[register * 2] = value;
  return Status.Continue;
}

export const MEMORY_HANDLERS: Record<string, Handler> = {
  // LB rt, offset(base)
  lb: (cpu, w) => load(cpu, w, cpu.read8(addressOf(cpu, w))),
  // LBU rt, offset(base)
  lbu: (cpu, w) => load(cpu, w, cpu.read8(addressOf(cpu, w)) & 0xff),
  // LH rt, offset(base)
  lh: (cpu, w) => load(cpu, w, cpu.read16(addressOf(cpu, w))),
  // LHU rt, offset(base)
  lhu: (cpu, w) => load(cpu, w, cpu.read16(addressOf(cpu, w)) & 0xffff),
  // LW rt, offset(base)
  lw: (cpu, w) => load(cpu, w, cpu.read32(addressOf(cpu, w))),
  // LWL rt, offset(base): the bytes from the aligned word's start up to the address, into rt's top
  lwl: (cpu, w) => {
    const address = addressOf(cpu, w);
    const memory = cpu.readAlignedWord(address);
    if (cpu.faultCode !== 0) return cpu.raiseFault();
    const shift = 8 * (3 - (address & 3));
    const rt = rtOf(w);
    const keep = shift === 0 ? 0 : (1 << shift) - 1;
    cpu.r[rt] = (memory << shift) | (cpu.r[rt]! & keep);
    return Status.Continue;
  },
  // LWR rt, offset(base): the bytes from the address to the aligned word's end, into rt's bottom
  lwr: (cpu, w) => {
    const address = addressOf(cpu, w);
    const memory = cpu.readAlignedWord(address);
    if (cpu.faultCode !== 0) return cpu.raiseFault();
    const shift = 8 * (address & 3);
    const rt = rtOf(w);
    const keep = shift === 0 ? 0 : ~(-1 >>> shift);
    cpu.r[rt] = (memory >>> shift) | (cpu.r[rt]! & keep);
    return Status.Continue;
  },
  // SB rt, offset(base)
  sb: (cpu, w) => stored(cpu, cpu.write8(addressOf(cpu, w), cpu.r[rtOf(w)]!)),
  // SH rt, offset(base)
  sh: (cpu, w) => stored(cpu, cpu.write16(addressOf(cpu, w), cpu.r[rtOf(w)]!)),
  // SW rt, offset(base)
  sw: (cpu, w) => stored(cpu, cpu.write32(addressOf(cpu, w), cpu.r[rtOf(w)]!)),
  // SWL rt, offset(base): rt's top bytes into the aligned word's start up to the address
  swl: (cpu, w) => {
    const address = addressOf(cpu, w);
    const memory = cpu.readAlignedWord(address);
    if (cpu.faultCode !== 0) return storeFault(cpu);
    const shift = 8 * (3 - (address & 3));
    const keep = shift === 0 ? 0 : ~(-1 >>> shift);
    return stored(cpu, cpu.writeAlignedWord(address, (memory & keep) | (cpu.r[rtOf(w)]! >>> shift)));
  },
  // SWR rt, offset(base): rt's bottom bytes into the address up to the aligned word's end
  swr: (cpu, w) => {
    const address = addressOf(cpu, w);
    const memory = cpu.readAlignedWord(address);
    if (cpu.faultCode !== 0) return storeFault(cpu);
    const shift = 8 * (address & 3);
    const keep = shift === 0 ? 0 : (1 << shift) - 1;
    return stored(cpu, cpu.writeAlignedWord(address, (memory & keep) | (cpu.r[rtOf(w)]! << shift)));
  },
  // LL rt, offset(base)
  ll: (cpu, w) => {
    const address = addressOf(cpu, w);
    const value = cpu.read32(address);
    if (cpu.faultCode !== 0) return cpu.raiseFault();
    cpu.r[rtOf(w)] = value;
    cpu.link(address);
    return Status.Continue;
  },
  // SC rt, offset(base): stores and sets rt = 1 only while the LL link holds for this address.
  // As QEMU: an SC to another address than the LL's fails without breaking the link.
  sc: (cpu, w) => {
    const address = addressOf(cpu, w);
    const rt = rtOf(w);
    if (!cpu.llBit || address !== cpu.llAddress) {
      cpu.r[rt] = 0;
      return Status.Continue;
    }
    if (!cpu.write32(address, cpu.r[rt]!)) return cpu.raiseFault();
    cpu.clearLink();
    cpu.r[rt] = 1;
    return Status.Continue;
  },
  // LWC1 ft, offset(base)
  lwc1: (cpu, w) => loadSingle(cpu, addressOf(cpu, w), rtOf(w)),
  // SWC1 ft, offset(base)
  swc1: (cpu, w) => stored(cpu, cpu.write32(addressOf(cpu, w), cpu.fprBits[rtOf(w) * 2]!)),
  // LDC1 ft, offset(base)
  ldc1: (cpu, w) => loadDouble(cpu, addressOf(cpu, w), rtOf(w)),
  // SDC1 ft, offset(base)
  sdc1: (cpu, w) => storeDouble(cpu, addressOf(cpu, w), rtOf(w)),
  // LWXC1 fd, index(base)
  lwxc1: (cpu, w) => loadSingle(cpu, indexedAddressOf(cpu, w), saOf(w)),
  // LDXC1 fd, index(base)
  ldxc1: (cpu, w) => loadDouble(cpu, indexedAddressOf(cpu, w), saOf(w)),
  // LUXC1 fd, index(base): the address's low three bits are ignored
  luxc1: (cpu, w) => loadDouble(cpu, indexedAddressOf(cpu, w) & ~7, saOf(w)),
  // SWXC1 fs, index(base)
  swxc1: (cpu, w) => stored(cpu, cpu.write32(indexedAddressOf(cpu, w), cpu.fprBits[rdOf(w) * 2]!)),
  // SDXC1 fs, index(base)
  sdxc1: (cpu, w) => storeDouble(cpu, indexedAddressOf(cpu, w), rdOf(w)),
  // SUXC1 fs, index(base): the address's low three bits are ignored
  suxc1: (cpu, w) => storeDouble(cpu, indexedAddressOf(cpu, w) & ~7, rdOf(w)),
};

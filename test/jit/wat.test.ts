// Golden .wat snapshots of region modules: a few fixed guest programs are assembled, their blocks
// discovered and built into one region module each, and the module text is compared with
// test/jit/golden/<name>.wat. Each module is also validated (buildRegion does it when text is
// requested) and instantiated against a memory of the right size, to prove it links.
// Regenerate after an intended change of the generated code, then read the diff:
//   node scripts/update-wat-golden.mjs     (= MIPSJIT_UPDATE_GOLDEN=1 npx vitest run test/jit/wat.test.ts)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { FlatMemory } from '../../runtime/flat-memory.js';
import { buildRegion, discoverRegion, layoutOf } from '../../codegen/region.js';
import { loadWasmBuilder } from '../../codegen/wasm.js';
import { buildRefillModule } from '../../codegen/tlb-refill.js';
import { SOFT_TLB_ENTRIES, VcpuBlock } from '../../runtime/state.js';

const ORIGIN = 0x0040_0000;
/** Words outside the assembled program read as SYSCALL, so blocks end there (interpreter exit). */
const FILLER = 0x0000_000c;
const UPDATE = process.env.MIPSJIT_UPDATE_GOLDEN === '1';
const goldenDir = path.join(__dirname, 'golden');

interface Program {
  readonly name: string;
  readonly source: string;
  /** Entry labels; the first line of the program when omitted. */
  readonly entries?: readonly string[];
  /** Built for system mode: memory through a soft TLB (SYSTEM_LAYOUT). */
  readonly system?: boolean;
}

/** The system-mode layout: state and kernel-mode soft-TLB tables from the VCPU block in the global `state`. */
const SYSTEM_LAYOUT = {
  memoryPages: 32,
  maximumPages: 0x1_0000,
  stateBase: 'global',
  access: {
    kind: 'soft-tlb',
    readTags: VcpuBlock.softTlbTags,
    readAddends: VcpuBlock.softTlbAddends,
    writeTags: VcpuBlock.softTlbTags + 4 * SOFT_TLB_ENTRIES,
    writeAddends: VcpuBlock.softTlbAddends + 4 * SOFT_TLB_ENTRIES,
    fetchTags: VcpuBlock.softTlbTags + 8 * SOFT_TLB_ENTRIES,
    fetchAddends: VcpuBlock.softTlbAddends + 8 * SOFT_TLB_ENTRIES,
    mode: 0,
    regionSlotsBase: 0x0020_0000,
    jumpCacheBase: 0x0018_0000,
    context: 0,
    hostPage: 0x401,
  },
} as const;

const PROGRAMS: readonly Program[] = [
  {
    // A loop whose branch has a useful delay slot, then a return.
    name: 'count-loop',
    source: `
      move v0,zero
    loop:
      addu v0,v0,a0
      addiu a0,a0,-1
      bnez a0,loop
      addiu v1,v1,1
      jr ra
      nop`,
  },
  {
    // Loads and stores of every width inline (permission and alignment checks).
    name: 'load-store',
    source: `
      lw t0,0(a0)
      lbu t1,5(a0)
      lh t2,2(a0)
      addu t3,t0,t1
      subu t3,t3,t2
      sh t3,2(a1)
      sb t3,7(a1)
      sw t3,8(a1)
      lb t4,-1(a1)
      jr ra
      move v0,t4`,
  },
  {
    // Branch-likely: the delay slot runs only when taken.
    name: 'branch-likely',
    source: `
      beql a0,a1,done
      addiu v0,v0,1
      addiu v0,v0,2
    done:
      bgezl a0,out
      sll v1,a0,2
      nop
    out:
      jr ra
      nop`,
  },
  {
    // Indirect jumps: JALR through t9 with a delay slot, then JR.
    name: 'jalr-jr',
    source: `
      lui t9,0x40
      ori t9,t9,0x100
      jalr t9
      addiu a0,a0,1
      move v0,a0
      jr ra
      nop`,
  },
  {
    // The same loads and stores in system mode: soft-TLB tag compare and addend inline, the
    // refill handler on a miss, prepareStore for stores to tracked pages.
    name: 'load-store-system',
    system: true,
    source: `
      lw t0,0(a0)
      lbu t1,5(a0)
      sh t0,2(a1)
      jr ra
      move v0,t1`,
  },
  {
    // An FPU instruction that runs through the interp import (registers spilled and reloaded).
    name: 'fpu-interp',
    source: `
      ldc1 $f2,0(a0)
      ldc1 $f4,8(a0)
      madd.d $f0,$f6,$f2,$f4
      sdc1 $f0,16(a0)
      addiu a0,a0,24
      jr ra
      nop`,
  },
];

function labelAddresses(source: string): Map<string, number> {
  // assembleProgram does not export its labels: find them the same way (one instruction per line).
  const labels = new Map<string, number>();
  let pc = ORIGIN;
  for (const raw of source.split('\n')) {
    let line = raw.replace(/#.*$/, '').trim();
    let label: RegExpExecArray | null;
    while ((label = /^([A-Za-z_.$][\w.$]*):\s*/.exec(line))) {
      labels.set(label[1]!, pc);
      line = line.slice(label[0].length);
    }
    if (line !== '') pc += 4;
  }
  return labels;
}

describe('region modules match their golden .wat', () => {
  // Any size works; a fixed one keeps the permission-table offset in the text stable.
  let memory: FlatMemory;
  beforeAll(async () => {
    await loadWasmBuilder();
    memory = new FlatMemory(0x0100_0000);
  });

  for (const program of PROGRAMS) {
    it(program.name, () => {
      const words = assembleProgram(program.source, ORIGIN);
      const readWord = (address: number): number => {
        const index = (address - ORIGIN) >>> 2;
        return address >= ORIGIN && index < words.length ? words[index]! | 0 : FILLER;
      };
      const labels = labelAddresses(program.source);
      const entries = program.entries?.map((label) => labels.get(label)!) ?? [ORIGIN];
      const blocks = discoverRegion(entries, readWord);
      expect(blocks.length).toBeGreaterThan(0);

      const code = buildRegion(blocks, program.system ? SYSTEM_LAYOUT : layoutOf(memory), true);
      const text = code.text;
      expect(typeof text).toBe('string');

      // It links: the shared memory and `interp`, in user mode the table of regions, in system
      // mode `enter`, `refill` and `prepareStore`, are all it needs.
      const mem = program.system ? new WebAssembly.Memory({ initial: SYSTEM_LAYOUT.memoryPages, maximum: SYSTEM_LAYOUT.maximumPages }) : memory.memory;
      const state = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
      const host = { mem, interp: (): number => 0 };
      const imports: WebAssembly.Imports = {
        env: program.system
          ? { ...host, state, enter: (): number => 0, refill: (): number => 0, prepareStore: (): number => 0 }
          : { ...host, regions: new WebAssembly.Table({ element: 'anyfunc', initial: 1 }), dispatch: new WebAssembly.Global({ value: 'i32', mutable: false }, 0) },
      };
      const instance = new WebAssembly.Instance(new WebAssembly.Module(code.bytes as Uint8Array<ArrayBuffer>), imports);
      expect(typeof instance.exports.run).toBe('function');

      const file = path.join(goldenDir, `${program.name}.wat`);
      if (UPDATE) {
        fs.mkdirSync(goldenDir, { recursive: true });
        fs.writeFileSync(file, text!);
      }
      expect(fs.existsSync(file), `${file} is missing: run node scripts/update-wat-golden.mjs`).toBe(true);
      expect(text).toBe(fs.readFileSync(file, 'utf8'));
    });
  }

  it('the soft-TLB refill handler (codegen/tlb-refill.ts)', () => {
    const { text } = buildRefillModule(32, 0x1_0000, 0x0020_0000, true);
    const file = path.join(goldenDir, 'tlb-refill.wat');
    if (UPDATE) fs.writeFileSync(file, text!);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });
});

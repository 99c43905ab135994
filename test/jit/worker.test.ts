// The JIT with its compiler on a worker thread: the interpreter keeps running while the worker
// loads binaryen and compiles; the region arrives later and takes over. The state after N
// instructions must equal a pure interpreter run of N instructions.

import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/interp/cpu.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { Status } from '../../runtime/exceptions.js';
import { JitEngine } from '../../codegen/engine.js';
import { WorkerCompiler } from '../../codegen/worker-compiler.js';
import { layoutOf } from '../../codegen/region.js';
import type { CompiledRegion, RegionRequest } from '../../codegen/compiler.js';
import type { Worker } from 'node:worker_threads';
import { placeInMemory } from './guest-code.js';

const CODE = 0x0040_0000;
const DATA = 0x0010_0000;
const PROGRAM = `
  lui s0, 0x10
  li t0, 0
  li t1, 0
loop:
  sw t1, 0(s0)
  lw t2, 0(s0)
  addu t0, t0, t2
  xori t3, t0, 0x5a5a
  mult t3, t1
  mflo t4
  addu t0, t0, t4
  b loop
  addiu t1, t1, 1`;

function machine(): Cpu {
  const memory = new FlatMemory(0x0100_0000);
  memory.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
  memory.protect(DATA, 0x1000, Perm.Read | Perm.Write);
  placeInMemory(memory, CODE, PROGRAM);
  const cpu = new Cpu(memory, { exception: () => Status.Stop });
  cpu.setPc(CODE);
  return cpu;
}

/** A request to compile the program's page from its loop's start. */
function loopRequest(cpu: Cpu): RegionRequest {
  const page = CODE >>> 12;
  return {
    page,
    entries: [CODE + 12],
    words: cpu.mem.i32.slice(page << 10, (page << 10) + 1024),
    layout: layoutOf(cpu.mem, false),
    generation: 0,
  };
}

describe('JIT with a worker-thread compiler', () => {
  it('keeps interpreting until the worker delivers, then runs compiled code with the same results', async () => {
    const cpu = machine();
    const compiler = new WorkerCompiler();
    const jit = new JitEngine(cpu, { compiler, hotThreshold: 10 });
    const deadline = Date.now() + 200_000;
    try {
      while (jit.stats.compiledInstructions < 1_000_000 && Date.now() < deadline) {
        expect(jit.run(200_000)).toBe(Status.Continue);
        // Sleep a little between runs rather than spin: the worker needs a core to load binaryen
        // and compile, and on a loaded 2-core machine a busy main thread starved it for minutes.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      jit.close();
    }
    expect(compiler.failures).toEqual([]);
    expect(jit.stats.regionsCompiled).toBeGreaterThan(0);
    expect(jit.stats.compiledInstructions).toBeGreaterThanOrEqual(1_000_000);

    const reference = machine();
    reference.run(cpu.instructions);
    expect(Array.from(cpu.r.subarray(0, 34))).toEqual(Array.from(reference.r.subarray(0, 34)));
    expect(cpu.pc).toBe(reference.pc);
    expect(cpu.mem.read(DATA, 16)).toEqual(reference.mem.read(DATA, 16));
  }, 240_000);

  it('with inlineUntilReady, compiles on the calling thread until the worker is ready, then on the worker', async () => {
    const request = loopRequest(machine());
    const compiler = new WorkerCompiler({ inlineUntilReady: true });
    try {
      // The worker starts with the first request: it cannot have said it is ready yet.
      const inline = compiler.submit(request);
      expect(inline?.module).toBeInstanceOf(WebAssembly.Module);
      let queued: CompiledRegion | undefined = inline;
      const deadline = Date.now() + 200_000;
      while (queued !== undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        queued = compiler.submit(request);
      }
      expect(queued, 'the worker never took a request').toBeUndefined();
      let answers: CompiledRegion[] = [];
      while (answers.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        answers = compiler.poll();
      }
      expect(answers).toHaveLength(1);
      expect(answers[0]!.module).toBeDefined();
      expect(answers[0]!.entries).toEqual(inline!.entries);
      expect(answers[0]!.blockCount).toBe(inline!.blockCount);
      expect(compiler.failures).toEqual([]);
    } finally {
      compiler.close();
    }
  }, 240_000);

  it('once the worker has failed, compiles its unanswered requests and every later one on the calling thread, in order', () => {
    const request = loopRequest(machine());
    const compiler = new WorkerCompiler();
    try {
      expect(compiler.submit(request)).toBeUndefined(); // queued for the worker, which is still starting
      // What a worker whose file is missing, or that died, reports.
      const worker = (compiler as unknown as { started: { worker: Worker } }).started.worker;
      worker.emit('error', new Error('the compile worker died'));
      const answers = compiler.poll();
      expect(answers).toHaveLength(1);
      expect(answers[0]!.module).toBeInstanceOf(WebAssembly.Module);
      expect(answers[0]!.entries).toContain(CODE + 12);
      expect(compiler.submit(request)?.module).toBeInstanceOf(WebAssembly.Module);
      expect(compiler.poll()).toEqual([]);
      expect(compiler.failures).toEqual(['the compile worker died']);
    } finally {
      compiler.close();
    }
  });
});

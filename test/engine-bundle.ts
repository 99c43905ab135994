// The engine code that the tests running guest code in-process take bundled (test/bundled-engine.ts):
// test/global-setup.ts bundles this file with esbuild, as scripts/build.mjs bundles dist/, into
// .test-bundle/engine.mjs.
export { runProgram } from '../src/linux/process.js';
export { CompiledCodeCache } from '../codegen/shared-compiler.js';
export { Cpu } from '../src/interp/cpu.js';
export { FlatMemory } from '../runtime/flat-memory.js';
export { JitEngine } from '../codegen/engine.js';
export { createVm } from '../src/index.js';

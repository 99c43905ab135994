// The build's identity, written into dist/ by scripts/build.mjs: a hash of the built command line
// (dist/cli-main.cjs) and compile worker (dist/compile-worker.cjs), taken with this value as a
// placeholder. It names V8's code cache of the command line (src/cli-launch.ts) and versions the
// persistent code cache (src/cli.ts); without it (the TypeScript sources) neither cache is used.
// Hashing ~700 KB of bundle at every start instead cost ~8 ms of a run here.

declare const __MIPSJIT_BUILD_ID__: string;

/** Undefined when running from the TypeScript sources or a build that did not set it. */
export const BUILD_ID: string | undefined = typeof __MIPSJIT_BUILD_ID__ === 'string' ? __MIPSJIT_BUILD_ID__ : undefined;

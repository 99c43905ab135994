// The browser's stand-in for node:os (aliased by scripts/build.mjs): fixed, harmless answers for
// uname, sysinfo and the CPU count, so that a guest in a page learns nothing about the host.

const started = performance.now();
const MEMORY = 512 * 1024 * 1024;

export const hostname = (): string => 'mipsjit';
export const release = (): string => '6.1.0-mipsjit';
export const version = (): string => '#1 SMP mipsjit';
export const loadavg = (): number[] => [0, 0, 0];
export const uptime = (): number => (performance.now() - started) / 1000;
export const totalmem = (): number => MEMORY;
export const freemem = (): number => MEMORY / 2;
export const tmpdir = (): string => '/tmp';
export const availableParallelism = (): number => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
export const cpus = (): unknown[] => new Array(availableParallelism()).fill({});

export default { hostname, release, version, loadavg, uptime, totalmem, freemem, tmpdir, availableParallelism, cpus };

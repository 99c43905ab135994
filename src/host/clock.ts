// The emulator's clocks. It reads time here and never through the `performance` global: in Node
// the first use of `performance` loads perf_hooks (ten internal modules, ~1.5 ms of every run).
// process.hrtime is in Node's start-up snapshot; the browser build injects a `process` whose
// hrtime reads the page's performance clock (src/browser/globals.ts).

/** A monotonic clock in milliseconds (deadlines, time slices, compile times). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The wall clock minus the monotonic one, in nanoseconds, taken once. */
const wallOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** The wall clock in nanoseconds since the Unix epoch (CLOCK_REALTIME, file times), monotonic within a run. */
export function wallClockNs(): bigint {
  return process.hrtime.bigint() + wallOffsetNs;
}

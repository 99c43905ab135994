// xorshift32: a small, seeded, reproducible random number generator for the differential fuzzers.

export class Random {
  constructor(private state: number) {
    if (this.state === 0) this.state = 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x >>> 0;
  }
  below(limit: number): number {
    return this.next() % limit;
  }
}

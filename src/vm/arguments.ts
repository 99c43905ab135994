// Argument checks at the edge of the system-mode API: each public function checks what the host
// passes once, before anything changes, and throws a TypeError (wrong type) or RangeError (a number
// out of range, or not an integer) that names the function, the argument and what it must be.
// Messages show the value as given (never 0xNaN or a hex fraction).

/** A value as a message shows it: integers from 0x1_0000 up in hex, strings quoted, other types named. */
export function shown(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 0x1_0000 ? `${value < 0 ? '-' : ''}0x${Math.abs(value).toString(16)}` : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : `an object`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** An integer in [min, max]: TypeError when not a number, RangeError otherwise. */
export function integerIn(where: string, name: string, value: unknown, min: number, max: number, what = `an integer ${shown(min)}..${shown(max)}`): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be ${what}, not ${shown(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${where}: ${name} must be ${what}, not ${shown(value)}`);
  return value;
}

/** A 32-bit value (signed or unsigned spelling). */
export function word(where: string, name: string, value: unknown): number {
  return integerIn(where, name, value, -0x8000_0000, 0xffff_ffff, 'a 32-bit integer (-0x80000000..0xffffffff)');
}

/** An object (options, regions, handlers); `optional` lets undefined through. */
export function objectArgument(where: string, name: string, value: unknown, optional = false): Record<string, unknown> | undefined {
  if (value === undefined && optional) return undefined;
  if (value === null || typeof value !== 'object') throw new TypeError(`${where}: ${name} must be an object, not ${shown(value)}`);
  return value as Record<string, unknown>;
}

/** One of `choices` (strings): TypeError when not a string, RangeError for another string. */
export function choiceArgument<T extends string>(where: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  const error = typeof value === 'string' ? RangeError : TypeError;
  throw new error(`${where}: ${name} must be ${choices.map((choice) => `'${choice}'`).join(' or ')}, not ${shown(value)}`);
}

export function booleanArgument(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where}: ${name} must be true or false, not ${shown(value)}`);
  return value;
}

export function bytesArgument(where: string, name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${where}: ${name} must be a Uint8Array, not ${shown(value)}`);
  return value;
}

// The browser's stand-in for node:path (aliased by scripts/build.mjs): the POSIX calls the Linux
// layer makes, with '/' as the working directory.

export const sep = '/';

export function normalize(target: string): string {
  const absolute = target.startsWith('/');
  const parts: string[] = [];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
    } else parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? '/' + joined : joined || '.';
}

export function resolve(...targets: string[]): string {
  let resolved = '';
  for (let index = targets.length - 1; index >= 0 && !resolved.startsWith('/'); index--) {
    const target = targets[index]!;
    if (target !== '') resolved = resolved === '' ? target : `${target}/${resolved}`;
  }
  return normalize(resolved.startsWith('/') ? resolved : '/' + resolved);
}

export const join = (...targets: string[]): string => normalize(targets.filter((target) => target !== '').join('/'));
export const isAbsolute = (target: string): boolean => target.startsWith('/');
export function dirname(target: string): string {
  const index = target.replace(/\/+$/, '').lastIndexOf('/');
  return index < 0 ? '.' : index === 0 ? '/' : target.slice(0, index);
}
export function basename(target: string): string {
  const trimmed = target.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export default { sep, normalize, resolve, join, isAbsolute, dirname, basename };

// The host's node:fs calls that a FileSystem is made of (src/fs/file-system.ts), re-exported by
// name. The CommonJS bundles turn a namespace or default import of a Node module into a copy of
// all its properties, getters made one by one (esbuild's __toESM: ~100 for node:fs); eleven such
// copies of node:fs, node:os and node:path took 1.3 ms of every run's start (a bare Node script
// doing the same eleven copies, five runs). A named import is a plain `require`.

export {
  constants,
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  opendirSync,
  readFileSync,
  readSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  statfsSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';

// How the compiler reads files. Tests and the language server pass an in-memory host; the default
// reads from disk. Paths are '/'-separated, relative to the working directory or absolute.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface CompilerHost {
  readFile(path: string): string | undefined;
  /** Binary files (npy data). Hosts without it cannot load npy data. */
  readBinary?(path: string): Uint8Array | undefined;
}

export const nodeHost: CompilerHost = {
  readFile(p) {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  readBinary(p) {
    try {
      return new Uint8Array(readFileSync(p));
    } catch {
      return undefined;
    }
  },
};

export function normalizePath(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/'));
}

/** `rel` as seen from the folder of `from` (absolute `rel` stays as it is). */
export function resolveFrom(from: string, rel: string): string {
  const r = rel.replace(/\\/g, '/');
  return r.startsWith('/') ? normalizePath(r) : normalizePath(path.posix.join(path.posix.dirname(normalizePath(from)), r));
}

/** For the IR: relative to the working directory, '/'-separated, never absolute. */
export function portablePath(p: string): string {
  const n = normalizePath(p);
  if (!path.isAbsolute(n)) return n;
  const rel = path.relative(process.cwd(), n).replace(/\\/g, '/');
  return path.isAbsolute(rel) ? path.basename(n) : rel;
}

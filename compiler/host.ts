// How the compiler reads files. Tests and the language server pass an in-memory or layered host;
// the default reads from disk under a read policy (read-policy.ts). Paths are '/'-separated,
// relative to the working directory or absolute.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { allows, formatSize, readPolicyFor, type ReadOptions, type ReadPolicy } from './read-policy.js';

/** Why a file was not read; `message` completes "`path` ...". */
export interface ReadFailure {
  failure: 'not-found' | 'not-allowed' | 'not-regular' | 'too-large';
  message: string;
}

export interface CompilerHost {
  /** The text of a file, undefined when it does not exist, or why it was not read. */
  readFile(path: string): string | ReadFailure | undefined;
  /** Binary files (npy data). Hosts without it cannot load npy data. */
  readBinary?(path: string): Uint8Array | ReadFailure | undefined;
  /**
   * A text data file (csv): its bytes, which the parser reads without decoding them when they are
   * ASCII, or the text an editor holds for it. Hosts without it serve readFile's text.
   */
  readData?(path: string): string | Uint8Array | ReadFailure | undefined;
  /** One name per file whatever the path (symbolic links resolved), so a file reached by two paths is loaded once. */
  realpath?(path: string): string | undefined;
}

export const isReadFailure = (x: unknown): x is ReadFailure => typeof x === 'object' && x !== null && 'failure' in x;

const ERRNO: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of the path is not a folder)',
  ELOOP: 'is a loop of symbolic links',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'has a name too long for the file system',
};

function errnoFailure(e: unknown): ReadFailure {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return { failure: 'not-found', message: ERRNO[code] ?? `cannot be read (${code || String(e)})` };
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/** A folder as messages show it: relative to the working directory when inside it. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  if (rel === '') return './';
  return rel.startsWith('..') || path.isAbsolute(rel) ? dir : `${rel.split(path.sep).join('/')}/`;
}

/** Reads the disk under `policy`: allowed folders only, regular files only, at most the size limit. */
export class NodeHost implements CompilerHost {
  constructor(readonly policy: ReadPolicy) {}

  /** The resolved path of `p` if the policy lets the study read it, else why not (touches the disk only inside allowed folders). */
  permit(p: string): string | ReadFailure {
    const abs = path.resolve(p);
    const denied: ReadFailure = {
      failure: 'not-allowed',
      message: `is outside the project root \`${shown(this.policy.projectRoot)}\``,
    };
    const lexicalOk = allows(this.policy, abs);
    let resolved: string;
    try {
      resolved = realpathSync(abs);
    } catch (e) {
      return lexicalOk ? errnoFailure(e) : denied;
    }
    return allows(this.policy, resolved) ? resolved : denied;
  }

  readBytes(p: string): Buffer | ReadFailure {
    const resolved = this.permit(p);
    if (typeof resolved !== 'string') return resolved;
    let fd: number;
    try {
      // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
      fd = openSync(resolved, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      return errnoFailure(e);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return { failure: 'not-regular', message: kindOf(st) };
      const max = this.policy.maxFileBytes;
      const tooLarge = (): ReadFailure => ({
        failure: 'too-large',
        message: `is larger than the ${formatSize(max)} limit for files a study reads`,
      });
      if (st.size > max) return tooLarge();
      // Files such as /proc's report size 0 and hold more: read to the end, never past the limit.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 65536, max + 1 - total));
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        total += n;
        if (total > max) return tooLarge();
        chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      }
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    } catch (e) {
      return errnoFailure(e);
    } finally {
      closeSync(fd);
    }
  }

  readFile(p: string): string | ReadFailure {
    const bytes = this.readBytes(p);
    return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
  }

  readData(p: string): Uint8Array | ReadFailure {
    return this.readBinary(p);
  }

  readBinary(p: string): Uint8Array | ReadFailure {
    const bytes = this.readBytes(p);
    return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  }

  realpath(p: string): string | undefined {
    try {
      return realpathSync(path.resolve(p));
    } catch {
      return undefined;
    }
  }
}

/** The disk host for compiling the study at `entry`. */
export function nodeHostFor(entry: string, opts: ReadOptions = {}): NodeHost {
  return new NodeHost(readPolicyFor(entry, opts));
}

export function normalizePath(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/'));
}

/** `rel` as seen from the folder of `from` (absolute `rel` stays as it is). */
export function resolveFrom(from: string, rel: string): string {
  const r = rel.replace(/\\/g, '/');
  return r.startsWith('/')
    ? normalizePath(r)
    : normalizePath(path.posix.join(path.posix.dirname(normalizePath(from)), r));
}

/** For the IR: relative to the working directory, '/'-separated, never absolute. */
export function portablePath(p: string): string {
  const n = normalizePath(p);
  if (!path.isAbsolute(n)) return n;
  const rel = path.relative(process.cwd(), n).replace(/\\/g, '/');
  return path.isAbsolute(rel) ? path.basename(n) : rel;
}

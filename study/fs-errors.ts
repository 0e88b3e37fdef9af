// File-system failures that are the machine's, not the study's or gtv's: a full disk, a folder
// without write permission, a path through a file. They are described by the path and what
// the error code means, so the CLI can report them as environment problems instead of bugs.
import { TEMP_MARK } from './atomic.js';

const MEANINGS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  ESTALE: 'stale file handle (network file system)',
};

const READS = new Set(['read', 'scandir', 'opendir', 'stat', 'lstat', 'fstat', 'access', 'readlink', 'realpath']);

/** "cannot write PATH: no space left on device (ENOSPC)" for a file-system error, else null. */
export function fsProblem(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string' || !(e.code in MEANINGS)) return null;
  const verb = READS.has(e.syscall) ? 'cannot read' : e.syscall === 'open' ? 'cannot open' : 'cannot write';
  // A temporary's name is the target's plus TEMP_MARK and a suffix: name the target.
  const where = e.path ? e.path.split(TEMP_MARK)[0] : `(${e.syscall})`;
  return `${verb} ${where}: ${MEANINGS[e.code]} (${e.code})`;
}

/** The message of any error, as a file-system problem where it is one. */
export function errorText(err: unknown): string {
  return fsProblem(err) ?? (err instanceof Error ? err.message : String(err));
}

// Atomic output: every file and cell folder appears complete or not at all, so an interrupted
// run (Ctrl-C, SIGTERM, a runtime failure) never leaves a half-written output behind. Temporary
// names live in the target's own folder (a rename across file systems would not be atomic) and
// carry TEMP_MARK so a later run can sweep up what a killed process left.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEMP_MARK = '.gtv-tmp-';

function tempName(target: string): string {
  return path.join(
    path.dirname(target),
    `${path.basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** `mkdir -p` whose error is the real one: Node's recursive mkdir reports ENOENT when a folder
 * cannot be created on a read-only file system, so the levels are retried one by one. */
export function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const missing: string[] = [];
    for (let d = path.resolve(dir); !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) fs.mkdirSync(d);
    throw err;
  }
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `bytes`: write(2) may store fewer bytes than asked (a disk filling up mid-write
 * returns the count it managed and fails only on the next call), so one call is not enough. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) {
    const n = fs.writeSync(fd, bytes, off, bytes.length - off);
    if (n <= 0)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    off += n;
  }
}

/** Errors name the file the caller asked for, not the temporary or a bare descriptor. */
function blame(err: unknown, target: string): unknown {
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string')
    (err as NodeJS.ErrnoException).path = target;
  return err;
}

/**
 * Writes to a temporary file beside `target`, fsyncs it, then renames it over `target`: on any
 * failure (a full disk included) `target` keeps its old contents. A symbolic link is followed
 * (the file it points to is replaced) and an existing file keeps its permission bits, so
 * rewriting a user's study in place changes nothing but its text.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  let real = target;
  let mode: number | undefined;
  try {
    real = fs.realpathSync(target);
    mode = fs.statSync(real).mode & 0o7777;
  } catch {
    // no such file yet: created with the default mode
  }
  makeDir(path.dirname(real));
  const tmp = tempName(real);
  try {
    const fd = fs.openSync(tmp, 'w', mode);
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, real);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw blame(err, target);
  }
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Builds a folder under a temporary name with `fill`, then swaps it in for `target` (replacing
 * an older one). Readers see the old folder or the new one, never a partly filled one; the only
 * gap is the instant between moving the old folder aside and the rename. Several processes may
 * swap in the same target at once (a shared cache): a folder another one moved first is not an
 * error, and with `keep` a complete folder that appeared meanwhile is kept instead of replaced.
 */
export function writeDirAtomic(
  target: string,
  fill: (dir: string) => void,
  keep?: (existing: string) => boolean,
): void {
  makeDir(path.dirname(target));
  const tmp = tempName(target);
  const olds: string[] = [];
  try {
    fs.mkdirSync(tmp);
    fill(tmp);
    for (const f of fs.readdirSync(tmp)) fsyncPath(path.join(tmp, f));
    for (let attempt = 0; ; attempt++) {
      try {
        fs.renameSync(tmp, target); // replaces a missing or empty target
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 5) throw err;
      }
      if (keep?.(target)) {
        fs.rmSync(tmp, { recursive: true, force: true });
        break;
      }
      const old = tempName(target);
      try {
        fs.renameSync(target, old);
        olds.push(old);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // moved by another process
      }
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw blame(err, target);
  } finally {
    for (const old of olds) fs.rmSync(old, { recursive: true, force: true });
  }
}

/** Removes temporaries that a killed process left in `dir` (non-recursive). With `olderThanMs`,
 * only those last modified that long ago: a folder shared by concurrent processes (the result
 * cache under `--jobs` or a Slurm array) holds other processes' live temporaries. */
export function sweepTemporaries(dir: string, olderThanMs = 0): void {
  if (!fs.existsSync(dir)) return;
  const cutoff = Date.now() - olderThanMs;
  for (const name of fs.readdirSync(dir)) {
    if (!name.includes(TEMP_MARK)) continue;
    const p = path.join(dir, name);
    try {
      if (olderThanMs > 0 && fs.statSync(p).mtimeMs > cutoff) continue;
    } catch {
      continue; // renamed or removed by its owner meanwhile
    }
    fs.rmSync(p, { recursive: true, force: true });
  }
}

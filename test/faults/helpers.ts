// Fault injection for the I/O fault suite: a small tmpfs that really fills up (Linux, as root),
// an ENOSPC injected into node:fs where mounting is not allowed, and checks that every file of a
// run folder is whole.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNpy } from '../../study/npy.js';

/** Mounts a tmpfs of `size` (e.g. '1m') on a fresh folder; null (with the reason) where the
 * platform does not allow it. */
export function mountTmpfs(size: string): { dir: string; unmount(): void } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `tmpfs mounts need Linux (this is ${process.platform})` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: `cannot mount a tmpfs (${(r.stderr || r.error?.message || 'mount failed').trim()}); needs root` };
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A folder nothing can be written into: mode 0555, or for root (whom modes do not stop) a
 * read-only tmpfs; the reason where neither is possible. */
export function readOnlyDir(): { dir: string; remove(): void } | { reason: string } {
  if (process.getuid?.() !== 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-ro-'));
    fs.chmodSync(dir, 0o555);
    return {
      dir,
      remove: () => {
        fs.chmodSync(dir, 0o755);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const m = mountTmpfs('64k,ro');
  return 'reason' in m ? m : { dir: m.dir, remove: m.unmount };
}

/** Fills the file system holding `dir` with `dir/filler` until `leave` bytes remain free. */
export function fillDisk(dir: string, leave: number): void {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let size = 0;
  try {
    for (;;) {
      try {
        size += fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
    fs.ftruncateSync(fd, Math.max(0, size - leave));
  } finally {
    fs.closeSync(fd);
  }
}

const cjsFs = createRequire(import.meta.url)('node:fs') as typeof fs;

/**
 * Makes `fs.writeSync` and `fs.writeFileSync` into `under` behave as on a disk with `free` bytes
 * left: writes succeed until the space runs out, the write that crosses the limit stores what
 * fits and reports that count (as write(2) does), every later one throws ENOSPC. Returns the
 * undo function.
 */
export function injectFullDisk(under: string, free = 0): () => void {
  const orig = { writeSync: cjsFs.writeSync, writeFileSync: cjsFs.writeFileSync, openSync: cjsFs.openSync };
  // Node's own writeFileSync may call the exported openSync and writeSync: the patched ones
  // below see only gtv's direct calls, because writeFileSync is replaced as a whole.
  const watched = new Set<number>();
  let left = free;
  const inside = (p: unknown): boolean =>
    typeof p === 'string' && path.resolve(p).startsWith(path.resolve(under) + path.sep);
  const enospc = (p?: string): NodeJS.ErrnoException =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
      ...(p ? { path: p } : {}),
    });
  const bytesOf = (data: unknown): Buffer =>
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength);
  cjsFs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (orig.openSync as (...a: unknown[]) => number)(p, ...rest);
    if (inside(p)) watched.add(fd);
    else watched.delete(fd);
    return fd;
  }) as typeof fs.openSync;
  cjsFs.writeSync = ((fd: number, data: unknown, offset?: unknown, length?: unknown) => {
    if (!watched.has(fd)) return (orig.writeSync as (...a: unknown[]) => number)(fd, data, offset, length);
    let bytes = bytesOf(data);
    if (typeof data !== 'string' && typeof offset === 'number')
      bytes = bytes.subarray(offset, typeof length === 'number' ? offset + length : undefined);
    if (bytes.length > 0 && left === 0) throw enospc();
    const n = Math.min(left, bytes.length);
    left -= n;
    return orig.writeSync(fd, bytes.subarray(0, n));
  }) as typeof fs.writeSync;
  cjsFs.writeFileSync = ((p: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (!inside(p)) return (orig.writeFileSync as (...a: unknown[]) => void)(p, data, ...rest);
    const bytes = bytesOf(data);
    const n = Math.min(left, bytes.length);
    left -= n;
    // Through the saved functions, so node's own writeFileSync cannot count the bytes twice.
    const fd = orig.openSync(p as fs.PathLike, 'w');
    try {
      if (n > 0) orig.writeSync(fd, bytes.subarray(0, n));
    } finally {
      cjsFs.closeSync(fd);
    }
    if (n < bytes.length) throw enospc(String(p));
  }) as typeof fs.writeFileSync;
  syncBuiltinESMExports();
  return () => {
    Object.assign(cjsFs, orig);
    syncBuiltinESMExports();
  };
}

/** Every file under `dir` (recursively), relative to it. */
export function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  });
}

/** Why `file` is not a whole file of its kind, or null when it is. */
export function brokenFile(file: string): string | null {
  const buf = fs.readFileSync(file);
  const text = (): string => buf.toString('utf8');
  try {
    if (file.endsWith('.json')) JSON.parse(text());
    else if (file.endsWith('.npy')) decodeNpy(buf);
    else if (file.endsWith('.svg') && !text().trimEnd().endsWith('</svg>')) return 'SVG without its closing tag';
    else if (file.endsWith('.png') && buf.subarray(-8, -4).toString('latin1') !== 'IEND')
      return 'PNG without its IEND chunk';
    else if (file.endsWith('.pdf') && buf.subarray(-6).toString('latin1').trim() !== '%%EOF')
      return 'PDF without its %%EOF';
    else if (file.endsWith('.html') && !text().trimEnd().endsWith('</html>')) return 'HTML without its closing tag';
    else if (file.endsWith('.csv') && buf.length > 0 && !text().endsWith('\n')) return 'text without its final newline';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return null;
}

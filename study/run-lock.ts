// One writer per run folder. Two runs into the same `--out` would sweep each other's temporaries
// and swap cell folders under each other, so the second one is refused with a message naming the
// first. The lock is a file created exclusively (O_EXCL, which NFS v3+ honours) holding the
// owner's pid and host; it is removed when the run ends, also on process.exit (a second Ctrl-C).
// A lock whose process is gone (same host, pid not alive) was left by a killed run and is taken
// over; one from another host cannot be checked, so the message says how to remove it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = '.gtv-lock';

interface Holder {
  pid: number;
  host: string;
  started: string;
}

export interface RunLock {
  release(): void;
}

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file that cannot be parsed is being written right now, unless it is this old. */
const UNREADABLE_STALE_MS = 10_000;

function stale(file: string, holder: Holder | null): boolean {
  if (holder) return holder.host === os.hostname() && holder.pid !== process.pid && !alive(holder.pid);
  try {
    return Date.now() - fs.statSync(file).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return true; // removed meanwhile
  }
}

/** Takes the lock of `runDir` (which must exist), or returns why another run holds it. */
export function lockRunDir(runDir: string): RunLock | string {
  const file = path.join(runDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (stale(file, holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      const who = holder
        ? `pid ${holder.pid} on ${holder.host}, started ${holder.started}`
        : 'a process that is starting';
      return (
        `another gtv run (${who}) is writing to ${runDir}; wait for it to finish or choose another --out` +
        (holder && holder.host !== os.hostname() ? ` (if no run is active, delete ${file})` : '')
      );
    }
    try {
      fs.writeSync(fd, JSON.stringify(me) + '\n');
    } catch (err) {
      fs.rmSync(file, { force: true }); // an empty lock would block the next run for a while
      throw err;
    } finally {
      fs.closeSync(fd);
    }
    const release = (): void => {
      process.off('exit', release);
      const h = readHolder(file);
      if (h && h.pid === me.pid && h.host === me.host && h.started === me.started) fs.rmSync(file, { force: true });
    };
    process.on('exit', release);
    return { release };
  }
  return `cannot take the lock ${file}: other processes keep replacing it`;
}

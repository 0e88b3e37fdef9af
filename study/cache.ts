// The result cache: one complete cell folder (see cellio.ts) per key, where the key hashes the
// cell's canonical IR (after --scale), the gtv version and the backend. A folder exists only
// once complete (it is renamed into place), and is reused only while every file still has the
// sha256 recorded when it was written (cellio.ts, SHA256SUMS): a disk error, a stray edit or an
// entry from an older gtv without checksums is reported and recomputed, never trusted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrCell } from '../compiler/ir/types.js';
import { sweepTemporaries, writeDirAtomic } from './atomic.js';
import { cellDirProblem } from './cellio.js';
import { canonicalJson, sha256 } from './hash.js';

/** A cell folder is filled in seconds; a temporary this old was left by a killed process. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export function cellCacheKey(cell: IrCell, gtvVersion: string, backend: string): string {
  return sha256(canonicalJson({ cell, gtv_version: gtvVersion, backend }));
}

export class ResultCache {
  constructor(readonly root: string) {
    // Several processes share one cache (`--jobs`, Slurm array tasks on other nodes), so only
    // temporaries old enough that no live writer can own them are swept.
    sweepTemporaries(root, STALE_TEMP_MS);
  }

  dir(key: string): string {
    return path.join(this.root, key);
  }

  /** The cached folder for `key`; null when there is none; `damaged` (why) when there is one
   * that cannot be trusted, which the next `store` of the key replaces. */
  lookup(key: string): { dir: string } | { damaged: string } | null {
    const dir = this.dir(key);
    if (!fs.existsSync(dir)) return null;
    const problem = cellDirProblem(dir);
    return problem ? { damaged: problem } : { dir };
  }

  /** Writes the entry of `key` with `fill`. Another process may have stored the same key since
   * the lookup (same key, same result): its entry is kept if sound, unless `replace` (--fresh). */
  store(key: string, fill: (dir: string) => void, replace = false): string {
    writeDirAtomic(this.dir(key), fill, replace ? undefined : (existing) => cellDirProblem(existing) === null);
    return this.dir(key);
  }
}

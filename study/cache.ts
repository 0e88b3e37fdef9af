// The result cache: one complete cell folder (see cellio.ts) per key, where the key hashes the
// cell's canonical IR (after --scale), the gtv version and the backend. A folder exists only
// once complete (it is renamed into place), so a hit is always whole.
import * as path from 'node:path';
import type { IrCell } from '../compiler/ir/types.js';
import { sweepTemporaries, writeDirAtomic } from './atomic.js';
import { isCompleteCellDir } from './cellio.js';
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

  /** The cached folder for `key`, or null. */
  lookup(key: string): string | null {
    const dir = this.dir(key);
    return isCompleteCellDir(dir) ? dir : null;
  }

  store(key: string, fill: (dir: string) => void): string {
    writeDirAtomic(this.dir(key), fill);
    return this.dir(key);
  }
}

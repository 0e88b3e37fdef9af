// manifest.json: what a run folder holds and how it came to be. Rewritten atomically after every
// cell, so after an interruption it still lists exactly the cells whose folders are complete.
import * as path from 'node:path';
import type { IrDocument } from '../compiler/ir/types.js';
import { writeJsonAtomic } from './atomic.js';
import type { RunEnvironment } from './environment.js';
import type { ScaledCount } from './scale.js';
import type { SliceSpec } from './slices.js';

export const MANIFEST_FILE = 'manifest.json';

export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

export interface ManifestCell {
  id: string;
  index: number;
  values: Record<string, number>;
  /** Cache key: sha256 of the cell's canonical IR, the gtv version and the backend. */
  key: string;
  /** Folder under cells/ holding its outputs. */
  dir: string;
  /** `other_slice`: a `--cells i/n` run left the cell to another slice. */
  status: 'pending' | 'done' | 'failed' | 'other_slice';
  /** Where the results came from in this run. */
  from: 'computed' | 'cache' | null;
  /** Wall-clock ms this run spent on the cell (execution, or copying from the cache). */
  ms: number | null;
  /** Ms per node of the computation that produced the results (also for cached cells). */
  timings: Record<string, number>;
  error: string | null;
}

export interface ManifestPlot {
  name: string;
  files: string[];
  ms: number;
}

export interface Manifest {
  manifest_version: 1;
  gtv_version: string;
  study: string;
  source: string;
  /** sha256 of the compiled IR before --scale: identifies the study. */
  study_hash: string;
  backend: string;
  /** Node, platform, threads, SIMD and the command line of the process that wrote this manifest. */
  environment: RunEnvironment;
  seed: number;
  scale: number;
  /** Every count --scale changed. */
  scaled_counts: ScaledCount[];
  fresh: boolean;
  /** Set for a `gtv run --cells i/n` run, which computes only the cells with index % n == i - 1
   * and writes no plots, metrics table or report (they span every cell). */
  slice: SliceSpec | null;
  status: RunStatus;
  error: string | null;
  started: string;
  updated: string;
  elapsed_ms: number;
  /** CPU time (user + system) of this process since the run started, all its threads; a `--jobs`
   * run's slices are processes of their own and are not counted. */
  cpu_ms: number;
  /** cpu_ms / elapsed_ms: the cores the run kept busy on average. */
  cores: number;
  cells: ManifestCell[];
  plots: ManifestPlot[];
  report: string | null;
  /** The IR that ran (after --scale). */
  ir: IrDocument;
}

export function writeManifest(runDir: string, m: Manifest): void {
  writeJsonAtomic(path.join(runDir, MANIFEST_FILE), m);
}

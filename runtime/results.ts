// What the runtime hands back for one cell: plain typed arrays and numbers, no tensors, so the
// study writer (study/) can persist them without touching tfjs.

export interface ResultArray {
  /** Row-major shape. */
  shape: number[];
  dtype: 'float32' | 'float64';
  data: Float32Array | Float64Array;
  /** One line saying what the array holds and its axes, e.g. "density per bin [bins]". */
  doc: string;
  /** One name per axis of `shape`, e.g. ['member', 'bin_x'], written to result.json so readers
   * (python/gtv_results.py) label axes without parsing `doc`. Listed in docs/outputs.md. */
  dims: string[];
}

export interface NodeResult {
  /** Named arrays, written as `<node>.<array>.npy`. Names are documented in docs/outputs.md. */
  arrays: Record<string, ResultArray>;
  /** Named scalars (metrics, Monte-Carlo standard errors), written to JSON. */
  scalars: Record<string, number>;
  /** Named strings next to the scalars, e.g. a metric's `se_over` (`members` or `draws`). */
  labels?: Record<string, string>;
  /** Human-readable remarks (e.g. "white_noise variant is an approximation"). */
  notes: string[];
}

export interface CellResult {
  cellId: string;
  /** Keyed by IR node name. */
  nodes: Record<string, NodeResult>;
  /** Wall-clock milliseconds per node. */
  timings: Record<string, number>;
  /** Backend that ran: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  backend: string;
}

export interface Progress {
  /** A long computation starts: `total` units of work (steps, members, chunks). */
  start(task: string, total: number): void;
  /** `done` units of the current task have finished. */
  tick(done: number): void;
  end(): void;
}

export interface ExecuteOptions {
  progress?: Progress;
  /** Memory budget in bytes for chunking; default a fraction of free memory. */
  memoryBudget?: number;
  /** Checked between chunks; when it returns true the runtime stops with RuntimeInterrupted. */
  interrupted?: () => boolean;
}

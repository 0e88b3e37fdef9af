// The part of the runtime's public API that loads no tfjs and starts no thread on import: result
// types and the pure functions that study/ uses in `gtv run`'s main thread (cells run in a worker
// thread) and in `gtv collect`, and the pool's start, which the runtime thread calls before it
// loads the rest of the runtime. runtime/index.ts re-exports all of it; the import-graph test
// (test/architecture/imports.test.ts) keeps tfjs out of this file's imports.

export type { CellResult, NodeResult, ResultArray, ExecuteOptions, Progress } from './results.js';
export { mixtureBinProbabilities, totalVariation } from './metrics.js';
export { BOOTSTRAP, bootstrap, bootstrapWeights, pooledBins, replicateSd } from './metric-errors.js';
export { makeSchedule, type Schedule } from './schedule.js';
export { deriveSeed } from './rng.js';
export { defaultThreads } from './pool/threads.js';
export { startWorkers } from './pool/pool.js';
export { TV_BLOCK, tvReplicatesWasm } from './linalg/wasm/simd.js';

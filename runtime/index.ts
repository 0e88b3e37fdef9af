// Public API of the gtv runtime. study/ and cli/ import from here only.

export { executeCell, type RunOptions } from './execute.js';
export { selectBackend, BACKEND_NAMES } from './backend.js';
export { RuntimeError, NonFiniteError, MemoryLimitError, RuntimeInterrupted } from './errors.js';
export { defaultBudget, formatBytes } from './memory.js';
export type { CellResult, NodeResult, ResultArray, ExecuteOptions, Progress } from './results.js';
export { NODES, implementationOf, type NodeTable } from './nodes/index.js';
export { makeSchedule, type Schedule } from './schedule.js';
export { timeGrid } from './timegrid.js';
export { posterior, type PointSet, type PosteriorField } from './posterior.js';
export { histogram } from './histogram.js';
export { mixtureBinProbabilities } from './metrics.js';

// Public API of the gtv runtime. study/ and cli/ import from here, or from light.ts where tfjs
// must not load (test/architecture/imports.test.ts).

export { executeCell, type RunOptions } from './execute.js';
export { selectBackend, BACKEND_NAMES } from './backend.js';
export { RuntimeError, NonFiniteError, MemoryLimitError, RuntimeInterrupted } from './errors.js';
export { defaultBudget, formatBytes } from './memory.js';
export * from './light.js';
export { NODES, implementationOf, type NodeTable } from './nodes/index.js';
export { timeGrid } from './timegrid.js';
export { posterior, type PointSet, type PosteriorField } from './posterior.js';
export { histogram } from './histogram.js';

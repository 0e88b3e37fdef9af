import type { CodeInfo } from './types.js';

// GTV02xx-GTV07xx: resolution, arguments and types, values and ranges, dimensions, imports,
// unused definitions (owned by the checker).
export const SEMANTIC_CODES: CodeInfo[] = [];

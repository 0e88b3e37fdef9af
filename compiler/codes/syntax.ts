import type { CodeInfo } from './types.js';

// GTV01xx: lexer and parser errors (owned by the grammar).
export const SYNTAX_CODES: CodeInfo[] = [];

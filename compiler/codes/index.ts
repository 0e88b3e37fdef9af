// The one registry of diagnostic codes; each block lives in its own module.
import type { CodeInfo } from './types.js';
import { SYNTAX_CODES } from './syntax.js';
import { SEMANTIC_CODES } from './semantic.js';
import { LINT_CODES } from './lint.js';

export type { CodeInfo } from './types.js';

export const ALL_CODES: readonly CodeInfo[] = [...SYNTAX_CODES, ...SEMANTIC_CODES, ...LINT_CODES];

const byCode = new Map(ALL_CODES.map((c) => [c.code, c]));

export function codeInfo(code: string): CodeInfo | undefined {
  return byCode.get(code.toUpperCase());
}

// Every lint rule, in the order they run, and the checker warnings the lint configuration may
// also control (the checker reports those itself; the linter only re-grades or drops them).
import { codeInfo } from '../codes/index.js';
import type { LINT } from '../codes/lint.js';
import { SEM } from '../codes/semantic.js';
import type { CodeInfo } from '../codes/types.js';
import { cellMemory } from './rules/cell-memory.js';
import { coarseGrid } from './rules/coarse-grid.js';
import { featureRange } from './rules/feature-range.js';
import { fewDrawsPerBin } from './rules/few-draws-per-bin.js';
import { float32Score } from './rules/float32-score.js';
import { theoryRegime } from './rules/theory-regime.js';
import { mlpNtkMapping } from './rules/mlp-ntk-mapping.js';
import type { LintRule } from './types.js';

/** Every GTV08xx code except the configuration's own is a rule. */
export type LintRuleName = Exclude<keyof typeof LINT, 'lintConfig'>;

/**
 * One rule per lint code, keyed by the code's name and checked against its code: a code in
 * compiler/codes/lint.ts without its rule here, or a rule filed under another code, is a compile
 * error. Key order is the order the rules run.
 */
const BY_NAME: { readonly [K in LintRuleName]: LintRule & { code: (typeof LINT)[K] } } = {
  float32Score,
  coarseGrid,
  featureRange,
  fewDrawsPerBin,
  theoryRegime,
  cellMemory,
  mlpNtkMapping,
};

export const RULES: readonly LintRule[] = Object.values(BY_NAME);

/** Checker warnings that behave as rules: configurable, disable-able and (some) fixable. */
export const CHECKER_RULE_CODES: readonly string[] = [SEM.unusedDefinition, SEM.unusedSweep];

/** Everything a configuration or a disable comment may name, by code. */
export const CONFIGURABLE: readonly CodeInfo[] = [...RULES.map((r) => r.code), ...CHECKER_RULE_CODES].map((c) =>
  codeInfo(c)!,
);

/** A rule's code from its name or code (`float32-score`, `GTV0801`, `gtv0801`); undefined if unknown. */
export function ruleCode(nameOrCode: string): string | undefined {
  const found = CONFIGURABLE.find((c) => c.name === nameOrCode || c.code === nameOrCode.toUpperCase());
  return found?.code;
}

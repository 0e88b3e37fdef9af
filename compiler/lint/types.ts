// The contract between the lint driver (lint.ts) and its rules (rules/). A rule looks at one
// compiled cell at a time (concrete values, sweep variables substituted) and returns findings
// anchored on source nodes; the driver merges equal findings across cells, applies the
// configured severity and the disable comments.
import type { Span } from '../ast.js';
import type { IrCell, IrDocument } from '../ir/types.js';
import type { SourceLookup } from './lookup.js';

export interface Finding {
  message: string;
  /** Where the finding points; the study's name when no better node is known. */
  span: Span | undefined;
  hint?: string;
  /** Raises this finding above the rule's default severity (a configured level still wins). */
  severity?: 'error';
}

export interface RuleContext {
  doc: IrDocument;
  cell: IrCell;
  src: SourceLookup;
  /** Bytes of memory on this machine (os.totalmem(), injectable for tests). */
  totalMemory: number;
}

export interface LintRule<C extends string = string> {
  /** The GTV08xx code; its registry entry holds the name, default severity and explain text. */
  code: C;
  /**
   * Merge findings across cells by where they point alone (keeping the first cell's message)
   * rather than by span and message: for findings whose numbers differ in every cell.
   */
  mergeBySpan?: boolean;
  check(cx: RuleContext): Finding[];
}

// The linter: runs every enabled rule on every cell of every compiled study, merges equal
// findings across cells, then applies the project's configuration and the disable comments to
// its own findings and to the checker warnings it controls (unused-definition, unused-sweep).
// Rules need concrete values, so they run only when the file compiled without errors.
import { totalmem } from 'node:os';
import { codeInfo } from '../codes/index.js';
import type { CompileOutput } from '../driver.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { normalizePath } from '../host.js';
import { loadConfigFor, type Level, type LoadedConfig } from './config.js';
import { isDisabled, readDisables, type Disables } from './disable.js';
import { SourceLookup } from './lookup.js';
import { CHECKER_RULE_CODES, RULES } from './registry.js';
import type { Finding, LintRule } from './types.js';

export interface LintOptions {
  /** Bytes of memory the cell-memory rule compares against (default os.totalmem()). */
  totalMemory?: number;
  /** Use this configuration instead of looking for one next to the file. */
  config?: LoadedConfig;
}

export interface LintOutput {
  /** The compile diagnostics (re-graded or dropped per configuration) plus the linter's. */
  diagnostics: Diagnostic[];
  /** Extra sources to render diagnostics from (the configuration file). */
  files: Map<string, string>;
}

/** At most this many cell ids are named when a finding holds in some cells only. */
const CELLS_NAMED = 3;

export function lintCompiled(path: string, out: CompileOutput, opts: LintOptions = {}): LintOutput {
  const loaded = opts.config ?? loadConfigFor(path);
  const level = (code: string): Level => loaded.config.levels.get(code) ?? codeInfo(code)!.severity;
  const files = new Map<string, string>();
  if (loaded.source) files.set(loaded.source.path, loaded.source.text);

  const findings: Diagnostic[] = [];
  const enabled = RULES.filter((r) => level(r.code) !== 'off');
  const root = out.asts.get(normalizePath(path));
  for (const doc of out.studies) {
    const study = root?.items.find((i) => i.kind === 'study' && i.name.name === doc.study);
    const src = new SourceLookup(study?.kind === 'study' ? study : undefined, root, out.asts);
    for (const rule of enabled) {
      const perCell = doc.cells.map((cell) =>
        rule.check({ doc, cell, src, totalMemory: opts.totalMemory ?? totalmem() }),
      );
      findings.push(
        ...merge(
          rule,
          perCell,
          doc.cells.map((c) => c.id),
        ),
      );
    }
  }

  const disables = new Map<string, Disables>();
  for (const [file, ast] of out.asts) {
    const text = out.files.get(file);
    if (text !== undefined) disables.set(file, readDisables(ast, text));
  }
  const controlled = new Set([...CHECKER_RULE_CODES, ...RULES.map((r) => r.code)]);
  const graded: Diagnostic[] = [];
  for (const d of [...out.diagnostics, ...findings]) {
    if (!controlled.has(d.code)) {
      graded.push(d);
      continue;
    }
    const l = loaded.config.levels.get(d.code) ?? d.severity;
    if (l === 'off' || isDisabled(d, disables)) continue;
    graded.push({ ...d, severity: l });
  }
  const problems = [...loaded.diagnostics, ...[...disables.values()].flatMap((d) => d.diagnostics)];
  return { diagnostics: [...graded, ...problems], files };
}

/** One diagnostic per (span, message) across cells, naming the cells when not all have it. */
function merge(rule: LintRule, perCell: Finding[][], cellIds: string[]): Diagnostic[] {
  const groups = new Map<string, { f: Finding; cells: string[] }>();
  perCell.forEach((fs, i) => {
    for (const f of fs) {
      const key = `${f.span?.file}|${f.span?.start.offset}|${rule.mergeBySpan ? '' : f.message}`;
      const g = groups.get(key) ?? { f, cells: [] };
      g.cells.push(cellIds[i]);
      groups.set(key, g);
    }
  });
  return [...groups.values()].map(({ f, cells }) => {
    const some = cellIds.length > 1 && (cells.length < cellIds.length || rule.mergeBySpan === true);
    const named = cells
      .slice(0, CELLS_NAMED)
      .map((c) => `\`${c}\``)
      .join(', ');
    const more = cells.length > CELLS_NAMED ? ` and ${cells.length - CELLS_NAMED} more` : '';
    const d: Diagnostic = {
      severity: f.severity ?? codeInfo(rule.code)!.severity,
      code: rule.code,
      message: some ? `${f.message} (in cell${cells.length > 1 ? 's' : ''} ${named}${more})` : f.message,
    };
    if (f.span) d.span = f.span;
    if (f.hint) d.hint = f.hint;
    return d;
  });
}

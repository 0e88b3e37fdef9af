// What `gtv check` runs on one file: the compiler, then the linter; with `fix`, the safe fixes
// are applied to the text (the caller writes it) and the file is checked again from the result.
import { compileFile, compileSource, type CompileOutput } from '../driver.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { nodeHostFor, normalizePath } from '../host.js';
import { readOptionsFromEnv, type ReadOptions } from '../read-policy.js';
import { applyFixes, type FixResult } from './fix.js';
import { lintCompiled, type LintOptions } from './lint.js';

export interface CheckedFile {
  diagnostics: Diagnostic[];
  /** Every source read, including the lint configuration file. */
  files: Map<string, string>;
  /** Present with `fix`: the new text (unchanged when nothing applied) and what changed. */
  fix?: FixResult;
}

/** `text`: the file's contents when they do not come from disk (`gtv check -`). */
export function checkFile(
  path: string,
  opts: LintOptions & { fix?: boolean; read?: ReadOptions; text?: string } = {},
): CheckedFile {
  const host = nodeHostFor(path, opts.read ?? readOptionsFromEnv().options);
  let out = opts.text === undefined ? compileFile(path, host) : compileSource(opts.text, path, host);
  let fix: FixResult | undefined;
  const key = normalizePath(path);
  const text = out.files.get(key);
  const ast = out.asts.get(key);
  if (opts.fix && text !== undefined && ast) {
    const compile = (t: string): CompileOutput => compileSource(t, path, host);
    fix = applyFixes(key, text, ast, lintCompiled(path, out, opts).diagnostics, compile);
    if (fix.applied.length > 0) out = compile(fix.text);
  }
  const linted = lintCompiled(path, out, opts);
  const files = new Map([...out.files, ...linted.files]);
  return fix ? { diagnostics: linted.diagnostics, files, fix } : { diagnostics: linted.diagnostics, files };
}

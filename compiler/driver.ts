// The front-end driver: the only place that knows the order of the stages.
//   load + parse (with imports) -> scopes -> per study: settings, sweeps, cells (lowering with
//   checks) -> plots -> unused -> IR validation.
// IR documents are returned only when no stage reported an error. Nothing here throws on user
// input; an unexpected exception becomes one internal-error diagnostic.
import type { SourceFile } from './ast.js';
import { Reporter } from './checks/report.js';
import { reportUnused } from './checks/unused.js';
import { SEM } from './codes/semantic.js';
import { sortDiagnostics } from './diagnostics/order.js';
import type { Diagnostic } from './diagnostics/types.js';
import { nodeHostFor, normalizePath, type CompilerHost } from './host.js';
import { readOptionsFromEnv } from './read-policy.js';
import type { IrDocument } from './ir/types.js';
import { validateIr } from './ir/validate.js';
import { checkLetNames, lowerStudy } from './lower.js';
import { CellLowering } from './lower/cell.js';
import type { Shared } from './lower/context.js';
import { Implicit } from './lower/implicit.js';
import { fileScope, loadProgram, studyScope, type Definition, type StudyScope } from './resolve.js';
import { SETTINGS } from '../stdlib/signatures.js';

export type { CompilerHost } from './host.js';

export interface CompileOutput {
  /** All stages, sorted by file, then position. */
  diagnostics: Diagnostic[];
  /** One per study block, only when there are no errors. */
  studies: IrDocument[];
  /** Every source read (path -> text), for rendering. */
  files: Map<string, string>;
  /** Parsed files (for editor tooling). */
  asts: Map<string, SourceFile>;
}

/** Without a host: the disk, under the read policy with the options of GTV_ALLOW_READ and GTV_MAX_FILE_SIZE. */
export function compileFile(
  path: string,
  host: CompilerHost = nodeHostFor(path, readOptionsFromEnv().options),
): CompileOutput {
  return compile(normalizePath(path), undefined, host);
}

export function compileSource(
  text: string,
  path: string,
  host: CompilerHost = nodeHostFor(path, readOptionsFromEnv().options),
): CompileOutput {
  return compile(normalizePath(path), text, host);
}

function compile(path: string, text: string | undefined, host: CompilerHost): CompileOutput {
  const r = new Reporter();
  const out: CompileOutput = { diagnostics: [], studies: [], files: new Map(), asts: new Map() };
  try {
    const prog = loadProgram(path, text, host, r);
    out.files = prog.files;
    out.asts = prog.asts;
    const root = prog.asts.get(path);
    if (root) {
      const shared: Shared = { host, fileCache: new Map(), implicit: new Implicit() };
      const defs = fileScope(prog, r);
      const studies = root.items.filter((i) => i.kind === 'study');
      const seen = new Map<string, (typeof studies)[number]>();
      const scopes: StudyScope[] = [];
      const docs: IrDocument[] = [];
      for (const s of studies) {
        const prev = seen.get(s.name.name);
        if (prev) {
          r.report(SEM.duplicateStudy, `a study named \`${s.name.name}\` is already in this file`, s.name, undefined, [
            { message: 'the other study', span: prev.name.span },
          ]);
        } else seen.set(s.name.name, s);
        const scope = studyScope(prog, defs, s, r);
        scopes.push(scope);
        const doc = lowerStudy(scope, r, shared);
        if (doc) docs.push(doc);
      }
      if (studies.length === 0) checkLibrary(prog.root, defs, r, shared);
      const syntaxBroken = prog.syntax.some((d) => d.severity === 'error');
      // Errors leave definitions unparsed or unreferenced, so "never used" and "nothing declared"
      // would only be echoes of them: report those once the file is otherwise sound.
      if (!syntaxBroken && !r.diagnostics.some((d) => d.severity === 'error'))
        reportUnused(root, scopes, shared.implicit.used, r);
      const echoes = new Set<string>(syntaxBroken ? [SEM.missingDefault] : []);
      const diagnostics = [...prog.syntax, ...r.diagnostics.filter((d) => !echoes.has(d.code))];
      if (!diagnostics.some((d) => d.severity === 'error')) {
        for (const doc of docs) {
          const problems = validateIr(doc);
          for (const d of problems) diagnostics.push({ ...d, message: `${d.message} (study \`${doc.study}\`)` });
        }
        if (!diagnostics.some((d) => d.severity === 'error')) out.studies = docs;
      }
      out.diagnostics = sortDiagnostics(diagnostics);
      return out;
    }
    out.diagnostics = sortDiagnostics([...prog.syntax, ...r.diagnostics]);
  } catch (e) {
    const why =
      e instanceof Error
        ? `${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 4).join('\n')}` : ''}`
        : String(e);
    out.diagnostics = sortDiagnostics([
      ...r.diagnostics,
      { severity: 'error', code: SEM.internalError, message: `internal compiler error: ${why}` },
    ]);
    out.studies = [];
  }
  return out;
}

/** A file without study blocks is a library: check each of its own declarations once. */
function checkLibrary(root: string, defs: Map<string, Definition>, r: Reporter, shared: Shared): void {
  const scope: StudyScope = { file: root, study: null, defs, settings: new Map(), sweeps: [], plots: [] };
  const value = (name: string) => (SETTINGS.find((p) => p.name === name)!.default as { value: number }).value;
  checkLetNames(scope, r);
  const cx = new CellLowering(
    scope,
    r,
    new Map(),
    0,
    { seed: value('seed'), t_min: value('t_min'), steps: value('steps') },
    shared,
  );
  for (const d of defs.values())
    if (d.where === 'file' && d.kind !== 'let' && d.kind !== 'sweep') cx.node(d, d.node.name);
}

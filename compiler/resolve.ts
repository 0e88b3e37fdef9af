// Loading files and building scopes. A study sees, in one namespace: the top-level definitions
// of every file its file imports (transitively), the top-level definitions of its own file, and
// its own body. Names are shared across kinds because declarations refer to each other by name
// alone; a diamond import brings the same definition twice, which is not a duplicate.
import type { Decl, DeclKind, Ident, LetStmt, PlotStmt, Setting, SourceFile, StudyBlock, SweepStmt } from './ast.js';
import { SEM } from './codes/semantic.js';
import type { Reporter } from './checks/report.js';
import type { Diagnostic } from './diagnostics/types.js';
import { isMissing, readCode, readHint } from './checks/read-failure.js';
import { isReadFailure, resolveFrom, type CompilerHost } from './host.js';
import { parseSource } from './parse.js';

export type DefKind = 'let' | 'sweep' | DeclKind;

export interface Definition {
  name: string;
  kind: DefKind;
  node: LetStmt | SweepStmt | Decl;
  /** The file that holds it. */
  file: string;
  /** study: in the study body; file: top level of the compiled file; import: an imported file. */
  where: 'study' | 'file' | 'import';
}

export interface Program {
  root: string;
  files: Map<string, string>;
  asts: Map<string, SourceFile>;
  /** Files imported by the root, directly or not, each once, dependencies first. */
  imported: string[];
  syntax: Diagnostic[];
}

export interface StudyScope {
  file: string;
  /** null when checking a library file on its own. */
  study: StudyBlock | null;
  defs: Map<string, Definition>;
  settings: Map<string, Setting>;
  sweeps: Definition[];
  plots: PlotStmt[];
}

/** x, y, z, t are axes, pi a constant, true_density the exact density of metrics. */
export const RESERVED = new Set(['x', 'y', 'z', 't', 'pi', 'true_density']);

export function loadProgram(root: string, rootText: string | undefined, host: CompilerHost, r: Reporter): Program {
  const prog: Program = { root, files: new Map(), asts: new Map(), imported: [], syntax: [] };
  const text = rootText ?? host.readFile(root);
  if (typeof text !== 'string') {
    const why = isReadFailure(text) ? text : { failure: 'not-found' as const, message: 'cannot be read' };
    r.report(readCode(why), `\`${root}\` ${why.message}`, undefined);
    return prog;
  }
  const idOf = (file: string) => host.realpath?.(file) ?? file;
  const done = new Set<string>();
  const onStack: { id: string; file: string }[] = [];
  const rootId = idOf(root);
  const visit = (file: string, id: string, source: string) => {
    prog.files.set(file, source);
    const { ast, diagnostics } = parseSource(source, file);
    prog.asts.set(file, ast);
    for (const d of diagnostics) prog.syntax.push(d);
    onStack.push({ id, file });
    for (const item of ast.items) {
      if (item.kind !== 'import') continue;
      if (item.path.value.trim() === '') {
        r.report(
          SEM.importNotFound,
          'the import path is empty',
          item.path,
          'name a .gtv file, relative to the importing file',
        );
        continue;
      }
      const target = resolveFrom(file, item.path.value);
      const targetId = idOf(target);
      const open = onStack.findIndex((s) => s.id === targetId);
      if (open >= 0) {
        const cycle = [...onStack.slice(open).map((s) => s.file), target].join(' -> ');
        r.report(
          SEM.importCycle,
          `import cycle: ${cycle}`,
          item.path,
          'move the shared definitions into a file both can import',
        );
        continue;
      }
      if (done.has(targetId)) continue;
      const t = host.readFile(target);
      if (typeof t !== 'string') {
        if (isReadFailure(t) && !isMissing(t))
          r.report(
            readCode(t, SEM.importNotFound),
            `cannot import \`${target}\`: it ${t.message}`,
            item.path,
            readHint(t),
          );
        else
          r.report(
            SEM.importNotFound,
            `cannot find imported file \`${target}\``,
            item.path,
            'import paths are relative to the importing file',
          );
        continue;
      }
      // Only study sources are parsed: the parser's messages quote what they find, and a file
      // that is not a study must never be echoed.
      if (!target.endsWith('.gtv') || !targetId.endsWith('.gtv')) {
        const why = target.endsWith('.gtv')
          ? `it is a link to \`${targetId}\`, which is not a .gtv file`
          : 'imports name .gtv study files';
        r.report(
          SEM.readNotAllowed,
          `cannot import \`${target}\`: ${why}`,
          item.path,
          'import a .gtv file; data files are read with csv(...) or npy(...)',
        );
        done.add(targetId);
        continue;
      }
      visit(target, targetId, t);
      if (targetId !== rootId) prog.imported.push(target);
    }
    onStack.pop();
    done.add(id);
  };
  visit(root, rootId, text);
  for (const file of prog.imported) {
    for (const item of prog.asts.get(file)!.items) {
      if (item.kind === 'study')
        r.report(
          SEM.studyInImport,
          `imported file \`${file}\` holds a study block`,
          item.name,
          'imported files may hold only imports, `let` and declarations',
        );
    }
  }
  return prog;
}

function topLevelDefs(ast: SourceFile, where: Definition['where']): Definition[] {
  const out: Definition[] = [];
  for (const item of ast.items) {
    if (item.kind === 'let') out.push({ name: item.name.name, kind: 'let', node: item, file: ast.path, where });
    else if (item.kind === 'decl')
      out.push({ name: item.name.name, kind: item.declKind, node: item, file: ast.path, where });
  }
  return out;
}

function addDef(defs: Map<string, Definition>, d: Definition, r: Reporter): void {
  const ident: Ident = d.node.name;
  if (!ident.name) return; // error recovery left no name; the parser has reported it
  const prev = defs.get(d.name);
  if (prev) {
    if (prev.node === d.node) return;
    r.report(SEM.duplicateDefinition, `\`${d.name}\` is already defined`, ident, 'rename one of the definitions', [
      { message: 'first defined here', span: prev.node.name.span },
    ]);
    return;
  }
  defs.set(d.name, d);
}

/** Definitions visible at the top level of the root file (also used for library files). */
export function fileScope(prog: Program, r: Reporter): Map<string, Definition> {
  const defs = new Map<string, Definition>();
  const root = prog.asts.get(prog.root);
  const all = [
    ...prog.imported.flatMap((f) => topLevelDefs(prog.asts.get(f)!, 'import')),
    ...(root ? topLevelDefs(root, 'file') : []),
  ];
  for (const d of all) {
    if (RESERVED.has(d.name))
      r.report(
        SEM.reservedName,
        `\`${d.name}\` is reserved and cannot be redefined`,
        d.node.name,
        reservedHint(d.name),
      );
    else addDef(defs, d, r);
  }
  return defs;
}

export function reservedHint(name: string): string {
  return name === 'pi' || name === 'true_density'
    ? `\`${name}\` is a built-in name; pick another`
    : `\`${name}\` is an axis name; pick another`;
}

export function studyScope(
  prog: Program,
  fileDefs: Map<string, Definition>,
  study: StudyBlock,
  r: Reporter,
): StudyScope & { study: StudyBlock } {
  const scope: StudyScope & { study: StudyBlock } = {
    file: prog.root,
    study,
    defs: new Map(fileDefs),
    settings: new Map(),
    sweeps: [],
    plots: [],
  };
  for (const stmt of study.body) {
    let d: Definition | undefined;
    if (stmt.kind === 'setting') {
      const prev = scope.settings.get(stmt.name.name);
      if (prev) {
        r.report(
          SEM.duplicateSetting,
          `setting \`${stmt.name.name}\` is given twice`,
          stmt.name,
          'remove one of them',
          [{ message: 'first given here', span: prev.name.span }],
        );
      } else scope.settings.set(stmt.name.name, stmt);
    } else if (stmt.kind === 'plot') scope.plots.push(stmt);
    else if (stmt.kind === 'let')
      d = { name: stmt.name.name, kind: 'let', node: stmt, file: prog.root, where: 'study' };
    else if (stmt.kind === 'sweep')
      d = { name: stmt.name.name, kind: 'sweep', node: stmt, file: prog.root, where: 'study' };
    else d = { name: stmt.name.name, kind: stmt.declKind, node: stmt, file: prog.root, where: 'study' };
    if (!d) continue;
    if (RESERVED.has(d.name)) {
      r.report(
        SEM.reservedName,
        `\`${d.name}\` is reserved and cannot be redefined`,
        d.node.name,
        reservedHint(d.name),
      );
      continue;
    }
    const before = scope.defs.size;
    addDef(scope.defs, d, r);
    if (d.kind === 'sweep' && scope.defs.size > before) scope.sweeps.push(d);
  }
  return scope;
}

// Name resolution for editor features, mirroring the language's rules: a study's own statements,
// then the file's top-level definitions, then the top-level definitions of imported files.
import * as path from 'node:path';
import type { Decl, Ident, LetStmt, Node, PlotStmt, SourceFile, StudyBlock, SweepStmt } from '../../compiler/ast.js';
import { walk } from './locate.js';

export type Defining = LetStmt | SweepStmt | Decl | PlotStmt;

export interface Definition {
  name: Ident;
  stmt: Defining;
  /** Path of the file that holds the definition (as it appears in its spans). */
  file: string;
}

export interface Reference {
  ident: { name: string; span: Ident['span'] };
  study: StudyBlock | undefined;
}

function definitionOf(stmt: Node, file: string): Definition | undefined {
  if (stmt.kind === 'let' || stmt.kind === 'sweep' || stmt.kind === 'decl') return { name: stmt.name, stmt, file };
  if (stmt.kind === 'plot' && stmt.name) return { name: stmt.name, stmt, file };
  return undefined;
}

function topLevelDefinitions(file: SourceFile): Definition[] {
  return file.items.flatMap((item) => definitionOf(item, file.path) ?? []);
}

/** The parsed file an `import "..."` refers to, among the files the driver loaded. */
export function importedFile(
  from: SourceFile,
  importPath: string,
  asts: Map<string, SourceFile>,
): SourceFile | undefined {
  const wanted = path.resolve(path.dirname(from.path), importPath);
  for (const [key, ast] of asts) if (path.resolve(key) === wanted || path.resolve(ast.path) === wanted) return ast;
  return undefined;
}

export function importTargetPath(from: SourceFile, importPath: string): string {
  return path.resolve(path.dirname(from.path), importPath);
}

function importedDefinitions(file: SourceFile, asts: Map<string, SourceFile>, seen = new Set<string>()): Definition[] {
  seen.add(path.resolve(file.path));
  const defs: Definition[] = [];
  for (const item of file.items) {
    if (item.kind !== 'import') continue;
    const target = importedFile(file, item.path.value, asts);
    if (!target || seen.has(path.resolve(target.path))) continue;
    for (const d of topLevelDefinitions(target)) defs.push(d);
    for (const d of importedDefinitions(target, asts, seen)) defs.push(d);
  }
  return defs;
}

/** Every definition visible inside `study` (or at top level), innermost scope first. */
export function visibleDefinitions(
  file: SourceFile,
  study: StudyBlock | undefined,
  asts: Map<string, SourceFile>,
): Definition[] {
  const local = study ? study.body.flatMap((s) => definitionOf(s, file.path) ?? []) : [];
  return [...local, ...topLevelDefinitions(file), ...importedDefinitions(file, asts)];
}

export function resolve(
  name: string,
  file: SourceFile,
  study: StudyBlock | undefined,
  asts: Map<string, SourceFile>,
): Definition | undefined {
  return visibleDefinitions(file, study, asts).find((d) => d.name.name === name);
}

/** Every identifier in the file that names something: name expressions and a plot's `by` axes. */
export function references(file: SourceFile): Reference[] {
  const refs: Reference[] = [];
  const scan = (node: Node, study: StudyBlock | undefined) => {
    for (const n of walk(node)) {
      if (n.kind === 'name') refs.push({ ident: n, study });
      if (n.kind === 'plot') for (const axis of n.by) refs.push({ ident: axis, study });
    }
  };
  for (const item of file.items) {
    if (item.kind === 'study') for (const stmt of item.body) scan(stmt, item);
    else scan(item, undefined);
  }
  return refs;
}

export function sameDefinition(a: Definition, b: Definition): boolean {
  return path.resolve(a.file) === path.resolve(b.file) && a.name.span.start.offset === b.name.span.start.offset;
}

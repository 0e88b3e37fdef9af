// Hover: a built-in's signature and doc, a named argument's parameter facts, or the declaration
// of a defined name.
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver';
import type { Node } from '../../compiler/ast.js';
import { fileText, type Analysis } from './analysis.js';
import { SETTINGS } from '../../stdlib/signatures.js';
import { builtinMarkdown, findBuiltin, paramMarkdown, settingMarkdown } from './builtins.js';
import { exprContextOf } from './context.js';
import { enclosingStudy, nodesAt } from './locate.js';
import { spanToRange } from './positions.js';
import { resolve, type Defining, type Definition } from './scope.js';

/** Names the language gives a meaning to (compiler/resolve.ts RESERVED). */
const RESERVED_DOCS: Record<string, string> = {
  x: 'The first data axis (features over `x`, grids along `x`).',
  y: 'The second data axis.',
  z: 'The third data axis.',
  t: 'The diffusion time, in (0, T]; kept symbolic inside `alpha_sigma`.',
  pi: 'The constant \u03c0 = 3.14159...',
  true_density:
    "The exact density p(x | t_min) of the training data diffused to `t_min`; a metric's second set may be `true_density` instead of a sample.",
};

export function hover(analysis: Analysis, offset: number): Hover | null {
  if (!analysis.ast) return null;
  const chain = nodesAt(analysis.ast, offset);
  const node = chain[chain.length - 1];
  const parent = chain[chain.length - 2];
  if (!node) return null;
  const markdown = (value: string): Hover => ({ contents: { kind: 'markdown', value }, range: spanToRange(node.span) });

  if (node.kind === 'ident' && parent?.kind === 'call' && parent.callee === node) {
    const spec = findBuiltin(node.name, exprContextOf(chain));
    return spec ? markdown(builtinMarkdown(spec)) : null;
  }
  if (node.kind === 'ident' && parent?.kind === 'arg' && parent.name === node) {
    const call = chain[chain.length - 3];
    if (call?.kind !== 'call') return null;
    const spec = findBuiltin(call.callee.name, exprContextOf(chain));
    const param = spec?.params.find((p) => p.name === node.name);
    return spec && param ? markdown(paramMarkdown(spec, param)) : null;
  }
  if (node.kind === 'ident' && parent?.kind === 'setting' && parent.name === node) {
    const setting = SETTINGS.find((s) => s.name === node.name);
    return setting ? markdown(settingMarkdown(setting)) : null;
  }
  const def = definitionAt(analysis, chain);
  if (def) return markdown(declarationMarkdown(analysis, def));
  return node.kind === 'name' && RESERVED_DOCS[node.name] ? markdown(RESERVED_DOCS[node.name]) : null;
}

/** The definition named by the innermost node of `chain`: a reference, a `by` axis, or the defining name itself. */
export function definitionAt(analysis: Analysis, chain: Node[]): Definition | undefined {
  const node = chain[chain.length - 1];
  const parent = chain[chain.length - 2];
  if (!analysis.ast || !node) return undefined;
  const study = enclosingStudy(chain);
  if (node.kind === 'name') return resolve(node.name, analysis.ast, study, analysis.asts);
  if (node.kind !== 'ident' || !parent) return undefined;
  const isAxis = parent.kind === 'plot' && parent.by.includes(node);
  const isDefiningName =
    (parent.kind === 'let' || parent.kind === 'sweep' || parent.kind === 'decl' || parent.kind === 'plot') &&
    parent.name === node;
  if (isDefiningName) return { name: node, stmt: parent as Defining, file: analysis.ast.path };
  return isAxis ? resolve(node.name, analysis.ast, study, analysis.asts) : undefined;
}

function declarationMarkdown(analysis: Analysis, def: Definition): string {
  const text = fileText(analysis, def.file);
  const source = text?.slice(def.stmt.span.start.offset, def.stmt.span.end.offset) ?? def.name.name;
  const elsewhere =
    path.resolve(def.file) === analysis.path
      ? ''
      : `\n\ndefined in \`${path.relative(path.dirname(analysis.path), path.resolve(def.file))}\``;
  return ['```gtv', source, '```'].join('\n') + elsewhere;
}

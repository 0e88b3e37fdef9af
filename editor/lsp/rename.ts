// Rename of a name defined in this file: the definition and every reference in this file that
// resolves to it. Scoping follows scope.ts, so a study's own `eps` and a top-level `eps` are
// renamed independently. A name defined in an imported file is refused: renaming only its uses
// here would break them.
import * as path from 'node:path';
import type { Range, TextEdit } from 'vscode-languageserver';
import { RESERVED } from '../../compiler/resolve.js';
import { KEYWORDS } from '../../grammar/tokens.js';
import type { Analysis } from './analysis.js';
import { definitionAt } from './hover.js';
import { nodesAt } from './locate.js';
import { samePath, spanToRange } from './positions.js';
import { references, resolve, sameDefinition } from './scope.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORD_NAMES = new Set(KEYWORDS.map((k) => k.PATTERN as string));

/** The range of the name under the cursor when it can be renamed. */
export function prepareRename(analysis: Analysis, offset: number): Range | null {
  if (!analysis.ast) return null;
  const chain = nodesAt(analysis.ast, offset);
  const node = chain[chain.length - 1];
  const def = definitionAt(analysis, chain);
  return node && def && samePath(def.file, analysis.path) ? spanToRange(node.span) : null;
}

export type RenameResult = { edits: TextEdit[] } | { error: string } | null;

export function rename(analysis: Analysis, offset: number, newName: string): RenameResult {
  if (!analysis.ast) return null;
  if (!IDENT.test(newName))
    return { error: `\`${newName}\` is not a name: use letters, digits and _, not starting with a digit` };
  if (KEYWORD_NAMES.has(newName) || RESERVED.has(newName)) return { error: `\`${newName}\` is reserved in gtv` };
  const target = definitionAt(analysis, nodesAt(analysis.ast, offset));
  if (!target) return null;
  if (!samePath(target.file, analysis.path)) {
    return { error: `\`${target.name.name}\` is defined in ${path.basename(target.file)}: rename it there` };
  }
  const file = analysis.ast;
  const spans = references(file)
    .filter((r) => {
      const def = resolve(r.ident.name, file, r.study, analysis.asts);
      return def !== undefined && sameDefinition(def, target);
    })
    .map((r) => r.ident.span);
  spans.push(target.name.span);
  return { edits: spans.map((span) => ({ range: spanToRange(span), newText: newName })) };
}

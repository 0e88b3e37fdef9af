// Go to definition: from a name to where it is defined (in this file or an imported one), and
// from an import's path to the imported file.
import type { Location } from 'vscode-languageserver';
import { uriOf, type Analysis } from './analysis.js';
import { definitionAt } from './hover.js';
import { nodesAt } from './locate.js';
import { pathToUri, spanToRange } from './positions.js';
import { importTargetPath } from './scope.js';

export function definition(analysis: Analysis, offset: number): Location | null {
  if (!analysis.ast) return null;
  const chain = nodesAt(analysis.ast, offset);
  const node = chain[chain.length - 1];
  const parent = chain[chain.length - 2];
  if (node?.kind === 'string' && parent?.kind === 'import') {
    const start = { line: 0, character: 0 };
    return { uri: pathToUri(importTargetPath(analysis.ast, node.value)), range: { start, end: start } };
  }
  const def = definitionAt(analysis, chain);
  return def ? { uri: uriOf(analysis, def.file), range: spanToRange(def.name.span) } : null;
}

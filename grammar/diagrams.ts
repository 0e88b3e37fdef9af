// Syntax diagrams of the grammar, generated from the parser itself so they cannot drift.
// `npm run docs:diagrams` writes docs/syntax-diagrams.html; a test checks the committed copy.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from './chevrotain.js';
import { parser } from './parser.js';

export const DIAGRAMS_PATH = fileURLToPath(new URL('../docs/syntax-diagrams.html', import.meta.url));

export function syntaxDiagramsHtml(): string {
  return createSyntaxDiagramsCode(parser.getSerializedGastProductions());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DIAGRAMS_PATH, syntaxDiagramsHtml());
  console.log(`wrote ${DIAGRAMS_PATH}`);
}

// The Prettier plugin for .gtv files (package export `gtv/prettier`):
//   prettier --plugin=gtv/prettier --write "**/*.gtv"
// Printing rules live in print.ts and print-expr.ts, comment placement in comments.ts. Every
// format is checked by re-parsing the output (same-meaning.ts) before Prettier writes it.
import type { AstPath, Doc, ParserOptions, Plugin, Printer } from 'prettier';
import { doc } from 'prettier';
import { handleComments } from './comment-placement.js';
import { canAttachComment, getCommentChildNodes, hasPrettierIgnore, printComment, type GtvNode } from './comments.js';
import { ANONYMOUS, locEnd, locStart, parse } from './parse.js';
import { printNode } from './print.js';
import { assertSameMeaning } from './same-meaning.js';

export const AST_FORMAT = 'gtv';

const VISITOR_KEYS: Record<string, string[]> = {
  file: ['items'],
  import: ['path'],
  study: ['name', 'body'],
  setting: ['name', 'value'],
  let: ['name', 'value'],
  sweep: ['name', 'value'],
  decl: ['name', 'value'],
  plot: ['name', 'value', 'by', 'to'],
  call: ['callee', 'args'],
  arg: ['name', 'value'],
  list: ['items'],
  binary: ['left', 'right'],
  unary: ['operand'],
  range: ['from', 'to'],
  paren: ['inner'],
};

function print(
  path: AstPath<GtvNode>,
  options: ParserOptions<GtvNode>,
  printChild: Parameters<Printer['print']>[2],
): Doc {
  const printed = printNode(path, options, printChild);
  if (path.node.kind === 'file') {
    const { formatted } = doc.printer.printDocToString(printed, options);
    assertSameMeaning(options.originalText, formatted, options.filepath ?? ANONYMOUS);
  }
  return printed;
}

export const printer: Printer<GtvNode> = {
  print,
  printComment,
  canAttachComment,
  getCommentChildNodes,
  handleComments,
  hasPrettierIgnore,
  printPrettierIgnored: (path, options) =>
    doc.utils.replaceEndOfLine(options.originalText.slice(locStart(path.node), locEnd(path.node))),
  getVisitorKeys: (node) => VISITOR_KEYS[node.kind] ?? [],
  // For `prettier --debug-check`, which compares trees the same way same-meaning.ts does.
  massageAstNode(original: GtvNode, cloned: Record<string, unknown>) {
    delete cloned.span;
    delete cloned.keyword;
    delete cloned.path;
    if (original.kind === 'comment') cloned.text = original.text.trimEnd();
  },
};

const plugin: Plugin<GtvNode> = {
  languages: [{ name: 'gtv', parsers: ['gtv'], extensions: ['.gtv'], vscodeLanguageIds: ['gtv'] }],
  parsers: { gtv: { parse, astFormat: AST_FORMAT, locStart, locEnd } },
  printers: { [AST_FORMAT]: printer },
  // Study lines are long by nature (a call with five named arguments); 100 keeps the paper's
  // examples one line per declaration. A .prettierrc can still override it.
  defaultOptions: { printWidth: 100, tabWidth: 2 },
};

export const { languages, parsers, printers, defaultOptions } = plugin;
export default plugin;

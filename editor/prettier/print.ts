// The file and its statements: one statement per line, 2-space indentation inside `study { }`,
// and at most one blank line wherever the source had blank lines.
import type { AstPath, Doc, ParserOptions } from 'prettier';
import { doc } from 'prettier';
import type { PlotStmt, SourceFile, StudyBlock } from '../../compiler/ast.js';
import { onBraceLine, printDanglingLines, type AttachedComment, type GtvNode } from './comments.js';
import { printBinding, printExpr } from './print-expr.js';
import { isNextLineEmpty } from './source-text.js';

const { hardline, indent, join } = doc.builders;

type Print = (selector?: string | number | Array<string | number>) => Doc;

export function printNode(path: AstPath<GtvNode>, options: ParserOptions<GtvNode>, print: Print): Doc {
  const node = path.node;
  switch (node.kind) {
    case 'file':
      return printFile(path, options, print);
    case 'import':
      return ['import ', print('path')];
    case 'study':
      return printStudy(path, options, print);
    case 'setting':
      return printBinding(node.name.name, node.value, print);
    case 'let':
    case 'sweep':
      return printBinding([node.kind, ' ', node.name.name], node.value, print);
    case 'decl':
      return printBinding([node.declKind, ' ', node.name.name], node.value, print);
    case 'plot':
      return printPlot(path, print);
    case 'ident':
      return node.name;
    case 'comment':
    case 'number':
    case 'string':
    case 'bool':
    case 'name':
    case 'arg':
    case 'call':
    case 'list':
    case 'binary':
    case 'unary':
    case 'range':
    case 'paren':
    case 'error':
      return printExpr(path, options, print);
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}

function printFile(path: AstPath<GtvNode>, options: ParserOptions<GtvNode>, print: Print): Doc {
  const file = path.node as SourceFile & GtvNode;
  if (file.items.length === 0) {
    const comments = printDanglingLines(path, options, () => true);
    return comments.length === 0 ? '' : [comments, hardline];
  }
  return [printLines(path, options, print, 'items'), hardline];
}

function printStudy(path: AstPath<GtvNode>, options: ParserOptions<GtvNode>, print: Print): Doc {
  const study = path.node as StudyBlock & GtvNode;
  const afterBrace = printDanglingLines(path, options, onBraceLine);
  const ownLine = printDanglingLines(path, options, (c: AttachedComment) => !onBraceLine(c));
  const head = ['study ', study.name.name, ' {', afterBrace.length > 0 ? [' ', afterBrace] : ''];
  const inside: Doc[] = [];
  if (ownLine.length > 0) inside.push(hardline, ownLine);
  if (study.body.length > 0) inside.push(hardline, printLines(path, options, print, 'body'));
  if (inside.length === 0) return afterBrace.length > 0 ? [head, hardline, '}'] : [head, '}'];
  return [head, indent(inside), hardline, '}'];
}

function printPlot(path: AstPath<GtvNode>, print: Print): Doc {
  const plot = path.node as PlotStmt & GtvNode;
  const parts: Doc[] = ['plot ', plot.name ? [plot.name.name, ' = '] : '', print('value')];
  if (plot.by.length > 0) parts.push(' by (', join(', ', path.map(() => print(), 'by' as never) as Doc[]), ')');
  if (plot.to) parts.push(' to ', print('to'));
  return parts;
}

/** Statements (or top-level items) one per line, keeping a single blank line between groups. */
function printLines(
  path: AstPath<GtvNode>,
  options: ParserOptions<GtvNode>,
  print: Print,
  key: 'items' | 'body',
): Doc[] {
  const parts: Doc[] = [];
  path.each((child, i, all) => {
    parts.push(print());
    if (i < all.length - 1) {
      parts.push(hardline);
      if (isNextLineEmpty(options.originalText, (child.node as GtvNode).span.end.offset)) parts.push(hardline);
    }
  }, key as never);
  return parts;
}

// Expressions. Parentheses are `paren` nodes and operators are printed in the tree's own
// grouping, so the printer never has to decide where parentheses go: the output re-parses to
// the same tree by construction (and same-meaning.ts checks that it does).
import type { AstPath, Doc, ParserOptions } from 'prettier';
import { doc } from 'prettier';
import type { Binary, BinaryOp, NumberLit } from '../../compiler/ast.js';
import { hasComments, hasLeadingComment, printDanglingLines, type GtvNode } from './comments.js';

const { group, indent, line, softline, hardline, ifBreak, join } = doc.builders;

type Print = (selector?: string | number | Array<string | number>) => Doc;

export function printExpr(path: AstPath<GtvNode>, options: ParserOptions<GtvNode>, print: Print): Doc {
  const node = path.node;
  switch (node.kind) {
    case 'number':
      return numberText(node);
    case 'string':
      return node.raw;
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'name':
      return node.name;
    case 'call':
      return printDelimited(path, options, print, node.callee.name + '(', 'args', ')');
    case 'list':
      return printDelimited(path, options, print, '[', 'items', ']');
    case 'arg':
      return node.name ? printBinding(node.name.name, node.value, print) : print('value');
    case 'unary':
      return [node.op, print('operand')];
    case 'range':
      return [print('from'), ' .. ', print('to')];
    case 'paren':
      return ['(', print('inner'), ')'];
    case 'binary':
      return printBinary(path, print);
    case 'ident':
    case 'comment':
    case 'error':
    case 'import':
    case 'setting':
    case 'let':
    case 'sweep':
    case 'decl':
    case 'plot':
    case 'study':
    case 'file':
      throw new Error(`gtv formatter: cannot print a \`${node.kind}\` node as an expression`);
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}

/** `name = value`; a value preceded by its own comment goes on the next line, indented. */
export function printBinding(lhs: Doc, value: GtvNode, print: Print): Doc {
  if (hasLeadingComment(value)) return [lhs, ' =', indent([hardline, print('value')])];
  if (value.kind === 'binary' && value.op !== '^') {
    // Prettier's "break after operator" layout: the whole right side moves to the next line
    // before any operand is split.
    return group([lhs, ' =', group(indent([line, print('value')]))]);
  }
  return [lhs, ' = ', print('value')];
}

function numberText(node: NumberLit): string {
  return node.unit && !node.raw.endsWith(node.unit) ? node.raw + node.unit : node.raw;
}

/** Call arguments and list items: all on one line, or one per line with a trailing comma. */
function printDelimited(
  path: AstPath<GtvNode>,
  options: ParserOptions<GtvNode>,
  print: Print,
  open: string,
  key: 'args' | 'items',
  close: string,
): Doc {
  const items = path.map(() => print(), key as never) as Doc[];
  if (items.length === 0) {
    const comments = printDanglingLines(path, options, () => true);
    return comments.length === 0 ? [open, close] : [open, indent([hardline, comments]), hardline, close];
  }
  return group([open, indent([softline, join([',', line], items)]), ifBreak(','), softline, close]);
}

/** Nodes printed through printBinding. */
function isBinding(node: GtvNode | null): boolean {
  if (node === null) return false;
  const k = node.kind;
  return k === 'setting' || k === 'let' || k === 'sweep' || k === 'decl' || (k === 'arg' && node.name !== undefined);
}

const PRECEDENCE: Record<BinaryOp, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 3 };

function printBinary(path: AstPath<GtvNode>, print: Print): Doc {
  const node = path.node as Binary;
  if (node.op === '^') return [print('left'), '^', print('right')];
  const [first, ...rest] = binaryParts(path, print);
  const parent = path.parent as GtvNode | null;
  // A chain that is a binding's whole value or an operand of another chain is indented by its
  // parent; elsewhere (an argument, a list item) its continuation lines indent themselves.
  const parentIndents = parent?.kind === 'binary' || (path.key === 'value' && isBinding(parent));
  return parentIndents ? group([first, ...rest]) : group([first, indent(rest)]);
}

/**
 * Operands of a left-leaning chain of same-precedence operators (`a * b / c`), so the chain
 * breaks before every operand alike. A left operand carrying comments is printed on its own
 * (through `print`) so that its comments are printed too.
 */
function binaryParts(path: AstPath<GtvNode>, print: Print): Doc[] {
  const node = path.node as Binary;
  const left = node.left as GtvNode;
  const flatten = left.kind === 'binary' && PRECEDENCE[left.op] === PRECEDENCE[node.op] && !hasComments(left);
  const head = flatten ? path.call((p) => binaryParts(p, print), 'left' as never) : [print('left')];
  return [...head, [' ', node.op, line, print('right')]];
}

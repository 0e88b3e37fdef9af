// The child nodes of a .gtv AST node in source order, shared by the language server (what the
// cursor is on) and the formatter (where a comment may attach).
import type { Node } from '../compiler/ast.js';

export function children(node: Node): Node[] {
  switch (node.kind) {
    case 'file':
      return node.items;
    case 'study':
      return [node.name, ...node.body];
    case 'import':
      return [node.path];
    case 'setting':
    case 'let':
    case 'sweep':
    case 'decl':
      return [node.name, node.value];
    case 'plot':
      return [...(node.name ? [node.name] : []), node.value, ...node.by, ...(node.to ? [node.to] : [])];
    case 'call':
      return [node.callee, ...node.args];
    case 'arg':
      return [...(node.name ? [node.name] : []), node.value];
    case 'list':
      return node.items;
    case 'binary':
      return [node.left, node.right];
    case 'unary':
      return [node.operand];
    case 'range':
      return [node.from, node.to];
    case 'paren':
      return [node.inner];
    default:
      return [];
  }
}

/** The child that names `node` (a declared name, an argument name or a callee), if any. */
export function nameChild(node: Node): Node | undefined {
  switch (node.kind) {
    case 'study':
    case 'setting':
    case 'let':
    case 'sweep':
    case 'decl':
    case 'plot':
    case 'arg':
      return node.name ?? undefined;
    case 'call':
      return node.callee;
    default:
      return undefined;
  }
}

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
    case 'ident':
    case 'comment':
    case 'number':
    case 'string':
    case 'bool':
    case 'name':
    case 'error':
      return [];
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
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
    case 'ident':
    case 'comment':
    case 'number':
    case 'string':
    case 'bool':
    case 'name':
    case 'list':
    case 'binary':
    case 'unary':
    case 'range':
    case 'paren':
    case 'error':
    case 'import':
    case 'file':
      return undefined;
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}

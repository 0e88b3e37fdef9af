// Which built-ins an expression may call depends on the statement around it.
import type { Node } from '../../compiler/ast.js';
import type { ExprContext } from './builtins.js';
import { enclosingStatement } from './locate.js';

export function exprContextOf(chain: Node[]): ExprContext | undefined {
  const stmt = enclosingStatement(chain);
  if (!stmt || stmt.kind === 'import') return undefined;
  return stmt.kind === 'decl' ? stmt.declKind : stmt.kind;
}

// Finds what the cursor is on: the chain of AST nodes whose spans contain an offset, outermost
// first. Handlers read the chain (e.g. "an Ident that is the name of an Arg inside a Call inside a
// `features` Decl") instead of re-deriving structure from text.
import type { Node, SourceFile, Stmt, StudyBlock, TopLevel } from '../../compiler/ast.js';
import { spanContains } from './positions.js';
import { children } from '../ast-children.js';

/** Nodes containing `offset`, outermost first; empty when the offset is outside every item. */
export function nodesAt(file: SourceFile, offset: number): Node[] {
  const chain: Node[] = [];
  let current: Node | undefined = file;
  while (current) {
    chain.push(current);
    // Later children win ties so a cursor between `a` and `(` lands on the callee, not the call.
    current = children(current)
      .filter((c) => spanContains(c.span, offset))
      .pop();
  }
  return chain.slice(1);
}

export function enclosingStudy(chain: Node[]): StudyBlock | undefined {
  return chain.find((n): n is StudyBlock => n.kind === 'study');
}

type Statement = Exclude<TopLevel | Stmt, StudyBlock>;

/** The statement (top-level item or study statement) that holds the cursor. */
export function enclosingStatement(chain: Node[]): Statement | undefined {
  return [...chain]
    .reverse()
    .find((n): n is Statement => ['import', 'let', 'decl', 'setting', 'sweep', 'plot'].includes(n.kind));
}

/** `node` and every node below it, depth first. */
export function* walk(node: Node): Generator<Node> {
  yield node;
  for (const c of children(node)) yield* walk(c);
}

// Where each comment goes. Prettier's algorithm (style.md, after prettier-java) attaches a
// comment to the nearest node before it (as trailing) or after it (as leading). A `#` comment
// runs to the end of the line, so that is only safe where the printer can end the line right
// there: after a statement, an argument, a list item or the left operand of `+ - * /`, and
// before a statement, an argument, a list item, a binding's value or a right operand. A comment
// anywhere else (inside `lo .. hi`, `a^b`, `-x`, `( )`, `by (...)`, after `plot` or `import`)
// moves to the end of the nearest statement, argument or list item that holds it; without that,
// two comments could end up on one line and read back as one.
// One more rule: a comment on the line of a study's `{` stays after the brace.
import { util } from 'prettier';
import { BRACE_LINE, getCommentChildNodes, type AttachedComment, type GtvNode } from './comments.js';
import { openBraceOffset } from './source-text.js';

type Parents = WeakMap<GtvNode, GtvNode>;
const parentsByRoot = new WeakMap<GtvNode, Parents>();

function parentsOf(root: GtvNode): Parents {
  let parents = parentsByRoot.get(root);
  if (!parents) {
    const map: Parents = new WeakMap();
    const visit = (node: GtvNode) => {
      for (const child of getCommentChildNodes(node)) {
        map.set(child, node);
        visit(child);
      }
    };
    visit(root);
    parentsByRoot.set(root, map);
    parents = map;
  }
  return parents;
}

/** Nodes the printer can follow with a line break: statements, arguments, list items. */
function ownsLine(parent: GtvNode | undefined): boolean {
  const k = parent?.kind;
  return k === undefined || k === 'file' || k === 'study' || k === 'call' || k === 'list';
}

function canEndLineAfter(node: GtvNode, parent: GtvNode | undefined): boolean {
  return ownsLine(parent) || (parent?.kind === 'binary' && parent.op !== '^' && parent.left === node);
}

function canStartLineAt(node: GtvNode, parent: GtvNode | undefined): boolean {
  if (ownsLine(parent) || parent === undefined) return true;
  switch (parent.kind) {
    case 'setting':
    case 'let':
    case 'sweep':
    case 'decl':
      return true;
    case 'arg':
      return parent.name !== undefined;
    case 'binary':
      return parent.op !== '^' && parent.right === node;
    case 'ident':
    case 'comment':
    case 'number':
    case 'string':
    case 'bool':
    case 'name':
    case 'call':
    case 'list':
    case 'unary':
    case 'range':
    case 'paren':
    case 'error':
    case 'import':
    case 'plot':
    case 'study':
    case 'file':
      return false;
    default: {
      const unhandled: never = parent;
      throw new Error(`internal: unhandled node ${JSON.stringify(unhandled)}`);
    }
  }
}

function place(comment: AttachedComment, ast: GtvNode, preferLeading: boolean): boolean {
  const { enclosingNode: enclosing, precedingNode: before, followingNode: after } = comment;
  if (!enclosing) return false;
  const parents = parentsOf(ast);
  const leadingOk = after !== undefined && canStartLineAt(after, parents.get(after));
  const trailingOk = before !== undefined && canEndLineAfter(before, parents.get(before));
  // A second comment after the same node prints on a line of its own, where the next format
  // would read it as leading the following node: attach it there now so both formats agree.
  const secondAfterBefore = before?.comments?.some((c) => c.trailing) ?? false;
  if (!preferLeading && secondAfterBefore && leadingOk) {
    util.addLeadingComment(after, comment);
    return true;
  }
  if (preferLeading ? leadingOk || (!after && trailingOk) : trailingOk || (!before && leadingOk)) return false;
  if (!before && !after) return false; // dangling: printed by the node's own printer
  let owner: GtvNode | undefined = enclosing;
  while (owner && !ownsLine(parents.get(owner))) owner = parents.get(owner);
  if (!owner || owner.kind === 'file') return false;
  util.addTrailingComment(owner, comment);
  return true;
}

function braceLine(comment: AttachedComment, text: string): boolean {
  const study = comment.enclosingNode;
  if (study?.kind !== 'study' || comment.precedingNode) return false;
  const brace = openBraceOffset(text, study.name.span.end.offset);
  const start = comment.span.start.offset;
  if (brace < 0 || brace > start || text.slice(brace, start).includes('\n')) return false;
  util.addDanglingComment(study, comment, BRACE_LINE);
  return true;
}

export const handleComments = {
  ownLine: (comment: AttachedComment, _text: string, _options: unknown, ast: GtvNode) => place(comment, ast, true),
  endOfLine: (comment: AttachedComment, text: string, _options: unknown, ast: GtvNode) =>
    braceLine(comment, text) || place(comment, ast, false),
  remaining: (comment: AttachedComment, _text: string, _options: unknown, ast: GtvNode) => place(comment, ast, false),
};

// Comments as Prettier sees them: which nodes can hold one, how they print, `# prettier-ignore`.
// Where each comment goes is decided in comment-placement.ts.
import type { AstPath, Doc, ParserOptions } from 'prettier';
import { doc } from 'prettier';
import type { Comment, Node } from '../../compiler/ast.js';
import { isNextLineEmpty } from './source-text.js';
import { children, nameChild } from '../ast-children.js';

const { hardline } = doc.builders;

/** A comment as Prettier sees it once attached. */
export interface AttachedComment extends Comment {
  /** Prettier's error messages read `value`. */
  value: string;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  marker?: string;
  enclosingNode?: GtvNode;
  precedingNode?: GtvNode;
  followingNode?: GtvNode;
}

export type GtvNode = Node & { comments?: AttachedComment[] };

/** Marks a dangling comment that stood on the same line as a study's `{`. */
export const BRACE_LINE = 'brace-line';

const IGNORE = /^#\s*prettier-ignore\s*$/;

export function canAttachComment(node: GtvNode): boolean {
  return node.kind !== undefined && node.kind !== 'comment';
}

/**
 * The nodes a comment may attach to, inside `node`. Names (`model lin`, `n = 16`, `study s`,
 * callees) are left out: a comment attached to a name would be printed between the name and its
 * `=` or `{`, where a `#` comment would swallow the rest of the line. (`by (...)` axes stay in;
 * comment-placement.ts moves comments off them to the end of the plot's line.)
 */
export function getCommentChildNodes(node: GtvNode): GtvNode[] {
  const name = nameChild(node);
  return children(node).filter((c) => c !== name) as GtvNode[];
}

export function printComment(path: AstPath<GtvNode>): string {
  return (path.node as AttachedComment).text.trimEnd();
}

export function hasPrettierIgnore(path: AstPath<GtvNode>): boolean {
  return path.node?.comments?.some((c) => c.leading && IGNORE.test(c.text.trimEnd())) ?? false;
}

export function hasLeadingComment(node: GtvNode): boolean {
  return node.comments?.some((c) => c.leading) ?? false;
}

export function hasComments(node: GtvNode): boolean {
  return (node.comments?.length ?? 0) > 0;
}

export function danglingComments(node: GtvNode): AttachedComment[] {
  return node.comments?.filter((c) => !c.leading && !c.trailing) ?? [];
}

/**
 * Prints the node's dangling comments (those matching `keep`) one per line, keeping at most one
 * blank line where the source had blank lines. Marks them printed, as Prettier requires.
 */
export function printDanglingLines(
  path: AstPath<GtvNode>,
  options: ParserOptions<GtvNode>,
  keep: (c: AttachedComment) => boolean,
): Doc[] {
  const comments = danglingComments(path.node).filter(keep);
  const parts: Doc[] = [];
  comments.forEach((c, i) => {
    c.printed = true;
    parts.push(c.text.trimEnd());
    if (i < comments.length - 1) {
      parts.push(hardline);
      if (isNextLineEmpty(options.originalText, c.span.end.offset)) parts.push(hardline);
    }
  });
  return parts;
}

/** For the study printer: is this dangling comment the one after `{`? */
export const onBraceLine = (c: AttachedComment) => c.marker === BRACE_LINE;

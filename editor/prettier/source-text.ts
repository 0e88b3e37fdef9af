// Questions about the original text that the printer needs and the AST does not answer: where
// blank lines were, and where a study's `{` is. `#` comments run to the end of the line, which
// Prettier's own helpers (written for `//` and `/* */`) do not know about.

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';

/** True when the line after the one holding `offset` (ignoring a trailing `#` comment) is empty. */
export function isNextLineEmpty(text: string, offset: number): boolean {
  let i = offset;
  while (isBlank(text[i])) i++;
  if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
  if (text[i] !== '\n') return false;
  i++;
  while (isBlank(text[i])) i++;
  return text[i] === '\n';
}

/** Offset of the first `{` at or after `from`, skipping whitespace and comments (-1 if none). */
export function openBraceOffset(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '{') return i;
    if (c === '#') while (i < text.length && text[i] !== '\n') i++;
  }
  return -1;
}

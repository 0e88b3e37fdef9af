// Citations of docs/theory.md sections in the repository's sources, docs, examples and messages,
// for test/docs/theory.test.ts. A citation is the file name followed by section numbers:
// `docs/theory.md 9.2`, `(theory.md 6.3, 9.2)`, `theory.md 2.1-2.4`, `theory.md 2.2 and 2.4`.
// The name of the math spec the theory was written from (outside the repository) is matched
// too, so a citation written against it is still checked; it is spelled in pieces here so that
// the command that renamed those citations (see the commit that did it) leaves this file alone.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const OLD_NAME = ['math', 'md'].join('.');
const NAME = String.raw`(?<![\w/-])(?:docs/)?theory\.md|(?<![\w/-])${OLD_NAME.replace('.', String.raw`\.`)}`;
const NUM = String.raw`\d+(?:\.\d+)*`;
const ITEM = String.raw`${NUM}(?:[ \t]*[-–][ \t]*${NUM})?`;
const LIST = String.raw`${ITEM}(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+)${ITEM})*`;
const CITATION = new RegExp(String.raw`(${NAME})(?:[ \t]+(?:sections?[ \t]+|§[ \t]*)?(${LIST}))?`, 'g');
export const OLD_CITATION = new RegExp(String.raw`(?<!\w)${OLD_NAME.replace('.', String.raw`\.`)}(?!\w)`, 'g');

export interface Citation {
  file: string;
  line: number;
  text: string;
  /** The file name as written (`docs/theory.md`, `theory.md` or the old spec's name). */
  name: string;
  /** Every section the citation names, ranges expanded. */
  sections: string[];
}

/** Section numbers of the `##`/`###` headings of a Markdown document: `## 9. Title`, `### 9.2 Title`. */
export function headingSections(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,6}[ \t]+(\d+(?:\.\d+)?)\.?[ \t]/gm)) out.add(m[1]);
  return out;
}

/** `2.1-2.4` -> 2.1 2.2 2.3 2.4; `8-10` -> 8 9 10; anything else -> its two ends. */
function expandRange(a: string, b: string): string[] {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 1 && pb.length === 1 && pa[0] <= pb[0]) {
    return Array.from({ length: pb[0] - pa[0] + 1 }, (_, i) => String(pa[0] + i));
  }
  if (pa.length === 2 && pb.length === 2 && pa[0] === pb[0] && pa[1] <= pb[1]) {
    return Array.from({ length: pb[1] - pa[1] + 1 }, (_, i) => `${pa[0]}.${pa[1] + i}`);
  }
  return [a, b];
}

function sectionsOf(list: string | undefined): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const item of list.split(/[ \t]*,[ \t]*|[ \t]+and[ \t]+/)) {
    const [a, b] = item.split(/[ \t]*[-–][ \t]*/);
    out.push(...(b === undefined ? [a] : expandRange(a, b)));
  }
  return out;
}

/** Every citation in `text` (the contents of `file`). */
export function findCitations(file: string, text: string): Citation[] {
  const out: Citation[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, i) => {
    for (const m of lineText.matchAll(CITATION)) {
      out.push({ file, line: i + 1, text: m[0], name: m[1], sections: sectionsOf(m[2]) });
    }
  });
  return out;
}

/** Citations naming a section that is not a heading of the theory document. */
export function unresolved(citations: Citation[], sections: Set<string>): { citation: Citation; section: string }[] {
  const out: { citation: Citation; section: string }[] = [];
  for (const c of citations) for (const s of c.sections) if (!sections.has(s)) out.push({ citation: c, section: s });
  return out;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'gtv-out', 'tmp', 'coverage']);
const TEXT_EXT = /\.(ts|js|mjs|cjs|md|gtv|json|out|wat|txt|html|ya?ml|sh|py)$/;

/** Text files of the repository (sources, docs, examples, golden outputs, snapshots), relative paths. */
export function repositoryTextFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (TEXT_EXT.test(name) && name !== 'package-lock.json') out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}

export function readText(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

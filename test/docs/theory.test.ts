// docs/theory.md is the theory the code cites: every cited section must exist, and nothing may
// cite the math spec it was written from, which lives outside the repository.
import { expect } from 'chai';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findCitations,
  headingSections,
  OLD_CITATION,
  OLD_NAME,
  readText,
  repositoryTextFiles,
  unresolved,
  type Citation,
} from './citations.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOC = ['theory', 'md'].join('.');

describe('docs/theory.md and its citations', () => {
  const sections = headingSections(readText(ROOT, 'docs/theory.md'));
  const files = repositoryTextFiles(ROOT);
  const citations: Citation[] = files.flatMap((f) => findCitations(f, readText(ROOT, f)));
  const where = (c: Citation) => `${c.file}:${c.line}: ${c.text}`;

  it('numbers its sections 1-16 with the subsections the code relies on', () => {
    for (let n = 1; n <= 16; n++) expect(sections.has(String(n)), `section ${n}`).to.equal(true);
    for (const s of ['2.1', '2.4', '3.2', '3.4', '4.3', '5.2', '6.3', '9.2', '9.4', '12.3', '13.3']) {
      expect(sections.has(s), `section ${s}`).to.equal(true);
    }
  });

  it('every cited section is a heading of docs/theory.md', () => {
    // The sources cite it in about 90 places; a matcher that finds none would prove nothing.
    const numbered = citations.filter((c) => c.sections.length > 0);
    expect(numbered.length).to.be.above(50);
    expect(new Set(numbered.map((c) => c.file)).size).to.be.above(20);
    const missing = unresolved(citations, sections).map(
      ({ citation, section }) => `${where(citation)} (no section ${section})`,
    );
    expect(missing, missing.join('\n')).to.deep.equal([]);
  });

  it(`no file cites ${OLD_NAME}, a file outside the repository`, () => {
    const found: string[] = [];
    for (const f of files) {
      readText(ROOT, f)
        .split('\n')
        .forEach((line, i) => {
          if (line.match(OLD_CITATION)) found.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  describe('the citation matcher', () => {
    const doc = ['# T', '## 1. One', '### 1.1 a', '### 1.2 b', '## 2. Two', '### 2.1 c', '## 3. Three'].join('\n');
    const known = headingSections(doc);
    const cite = (text: string) => findCitations('x.ts', text);

    it('reads headings `## N.` and `### N.M`, not the title', () => {
      expect([...known].sort()).to.deep.equal(['1', '1.1', '1.2', '2', '2.1', '3']);
    });

    it('reads lists, ranges and both file names', () => {
      expect(cite(`// (docs/${DOC} 1.1, 2.1)`)[0].sections).to.deep.equal(['1.1', '2.1']);
      expect(cite(`see ${DOC} 1.1-1.2 and 3`)[0].sections).to.deep.equal(['1.1', '1.2', '3']);
      expect(cite(`(${DOC} 1-3)`)[0].sections).to.deep.equal(['1', '2', '3']);
      expect(cite(`${DOC} 2.1's kernel`)[0].sections).to.deep.equal(['2.1']);
      expect(cite(`${DOC} section 2, note 2`)[0].sections).to.deep.equal(['2']);
      const old = cite(`# Figure 2 (${OLD_NAME} 1.2): gap filling`);
      expect(old).to.have.length(1);
      expect(old[0].name).to.equal(OLD_NAME);
      expect(old[0].sections).to.deep.equal(['1.2']);
      expect(cite(`the whole of docs/${DOC}.`)[0].sections).to.deep.equal([]);
    });

    it('ignores other documents whose names contain the word', () => {
      expect(cite(`docs/theory-checks.md 7 and ${DOC.replace('.', '_')} 9`)).to.deep.equal([]);
    });

    it('reports a cited section that has no heading, and only that one', () => {
      const bad = unresolved(cite(`// ${DOC} 1.2, 1.3 and (docs/${DOC} 2.1-2.3); ${OLD_NAME} 9.2.1`), known);
      expect(bad.map((b) => b.section)).to.deep.equal(['1.3', '2.2', '2.3', '9.2.1']);
      expect(unresolved(cite(`// ${DOC} 1.1-1.2, 2 and 3`), known)).to.deep.equal([]);
    });

    it('flags the old file name wherever it appears, also inside a path', () => {
      expect(`/somewhere/docs/${OLD_NAME}`.match(OLD_CITATION)).to.have.length(1);
      expect(`docs/${DOC} 9.2`.match(OLD_CITATION)).to.equal(null);
    });
  });
});

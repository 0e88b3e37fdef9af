import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DIAGRAMS_PATH, syntaxDiagramsHtml } from '../../grammar/diagrams.js';
import { CST_DTS_PATH, cstDts } from '../../grammar/generate-cst-dts.js';

describe('parser: generated files are up to date', () => {
  it('docs/syntax-diagrams.html matches the grammar (regenerate: npm run docs:diagrams)', () => {
    const html = syntaxDiagramsHtml();
    expect(html).to.include('"name": "decl"'); // the grammar is really in there
    expect(readFileSync(DIAGRAMS_PATH, 'utf8') === html, 'docs/syntax-diagrams.html is stale').to.equal(true);
  });

  it('grammar/cst.d.ts matches the grammar (regenerate: npm run grammar:cst)', () => {
    expect(readFileSync(CST_DTS_PATH, 'utf8') === cstDts(), 'grammar/cst.d.ts is stale').to.equal(true);
  });
});

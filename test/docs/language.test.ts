import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { OUTPUT_PATH, renderLanguageDoc } from '../../scripts/gen-docs.js';
import { listBuiltins, SETTINGS } from '../../stdlib/signatures.js';
import { ALL_CODES } from '../../compiler/codes/index.js';

describe('docs/language.md', () => {
  const generated = renderLanguageDoc();

  it('is up to date with the prose, the signature table and the codes (npm run docs:language)', () => {
    expect(
      readFileSync(OUTPUT_PATH, 'utf8') === generated,
      'docs/language.md is stale: run `npm run docs:language`',
    ).to.equal(true);
  });

  it('documents every built-in, every parameter, every setting and every code', () => {
    for (const spec of listBuiltins()) {
      expect(generated).to.contain(`#### \`${spec.name}\``);
      for (const p of spec.params) expect(generated).to.contain(`| \`${p.name}\` |`);
    }
    for (const s of SETTINGS) expect(generated).to.contain(`| \`${s.name}\` |`);
    for (const c of ALL_CODES) expect(generated).to.contain(`| ${c.code} | \`${c.name}\` |`);
  });
});

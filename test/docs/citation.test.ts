// CITATION.cff: the Citation File Format GitHub reads for "Cite this repository". Checked with
// line patterns (no YAML parser among the dependencies): the format version, the tool's version
// against package.json, and the paper as the preferred citation.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';

const cff = readFileSync('CITATION.cff', 'utf8');
const top = (key: string) => new RegExp(`^${key}: *"?([^"\\n]+)"?$`, 'm').exec(cff)?.[1];

describe('CITATION.cff', () => {
  it('is CFF 1.2.0 software with the version of package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; license: string };
    expect([top('cff-version'), top('type'), top('version'), top('license')]).to.deep.equal([
      '1.2.0',
      'software',
      pkg.version,
      pkg.license,
    ]);
    expect(cff).to.match(/^authors:\n {2}- name: /m);
    expect(cff).not.to.match(/\t/); // YAML forbids tabs in indentation
  });

  it('prefers the paper: Vastola, ICLR 2025, arXiv 2504.12532', () => {
    const preferred = cff.slice(cff.indexOf('\npreferred-citation:'));
    expect(preferred).to.match(/^ {2}type: conference-paper$/m);
    expect(preferred).to.contain(
      'title: "Generalization through variance: how noise shapes inductive biases in diffusion models"',
    );
    expect(preferred).to.match(/family-names: Vastola/);
    expect(preferred).to.match(/^ {2}year: 2025$/m);
    expect(preferred).to.contain('10.48550/arXiv.2504.12532');
  });
});

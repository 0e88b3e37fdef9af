// Every study in examples/ passes `gtv check` (checker and linter) with no diagnostics at all,
// compiles deterministically, and its IR equals test/snapshots/NAME.ir.json byte for byte
// (UPDATE_GOLDEN=1 rewrites them).
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { compileFile } from '../../compiler/driver.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import { runCli } from '../cli/capture.js';
import { expectFile } from '../golden/expect-file.js';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.gtv'))
  .sort();
const SNAPSHOTS = 'test/snapshots';

describe('examples', () => {
  it('include the three paper studies and at least three more', () => {
    for (const fig of ['fig1-proxy-variance.gtv', 'fig2-gap-filling.gtv', 'fig3-rotated-square.gtv']) {
      expect(examples).to.include(fig);
    }
    expect(examples.length).to.be.at.least(6);
  });

  for (const file of examples) {
    describe(file, () => {
      const path = `examples/${file}`;

      it('passes gtv check with no diagnostics and holds one study', async () => {
        const r = await runCli(['check', '--format', 'compact', path]);
        expect(r.stdout + r.stderr).to.equal('');
        expect(r.code).to.equal(0);
        expect(compileFile(path).studies).to.have.length(1);
      });

      it('compiles to the same bytes twice, with no absolute path', () => {
        const a = compileFile(path).studies.map(serializeIr);
        const b = compileFile(path).studies.map(serializeIr);
        expect(a).to.deep.equal(b);
        expect(a.join('')).not.to.contain(process.cwd());
      });

      it('matches its IR snapshot', () => {
        const [doc] = compileFile(path).studies;
        expect(doc, 'no study compiled').not.to.equal(undefined);
        expectFile(`${SNAPSHOTS}/${file.replace(/\.gtv$/, '.ir.json')}`, serializeIr(doc));
      });
    });
  }

  it('leave no snapshot without its example', () => {
    const names = new Set(examples.map((f) => f.replace(/\.gtv$/, '.ir.json')));
    expect(readdirSync(SNAPSHOTS).filter((f) => f.endsWith('.ir.json') && !names.has(f))).to.deep.equal([]);
  });
});

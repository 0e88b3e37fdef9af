// The shipped examples compile cleanly from disk (real files, imports, csv and npy data).
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { compileFile } from '../../compiler/driver.js';
import { serializeIr } from '../../compiler/ir/serialize.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.gtv'));

describe('examples through the compiler', () => {
  for (const f of examples) {
    it(`${f} compiles without diagnostics, deterministically`, () => {
      const out = compileFile(`examples/${f}`);
      expect(out.diagnostics.map((d) => `${d.code} ${d.span?.file}:${d.span?.start.line} ${d.message}`)).to.deep.equal(
        [],
      );
      expect(out.studies.length).to.be.greaterThan(0);
      const again = compileFile(`examples/${f}`);
      expect(again.studies.map(serializeIr)).to.deep.equal(out.studies.map(serializeIr));
    });
  }
});

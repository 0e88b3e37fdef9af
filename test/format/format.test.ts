// The formatter's golden fixtures: each NAME.in.gtv formats to NAME.out.gtv, and formatting the
// output again changes nothing (style.md: every fixture is checked twice).
// `UPDATE_GOLDEN=1 npx mocha test/format` rewrites the .out.gtv files; review their diff.
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatGtv } from '../../editor/prettier/format.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const update = process.env.UPDATE_GOLDEN === '1';

describe('formatter fixtures', () => {
  const names = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.in.gtv'))
    .map((f) => f.slice(0, -'.in.gtv'.length));

  it('has fixtures', () => expect(names.length).to.be.greaterThan(5));

  for (const name of names) {
    it(`${name}: matches the expected output and is idempotent`, async () => {
      const input = readFileSync(join(FIXTURES, `${name}.in.gtv`), 'utf8');
      const outPath = join(FIXTURES, `${name}.out.gtv`);
      const output = await formatGtv(input, `${name}.gtv`);
      if (update) writeFileSync(outPath, output);
      expect(output).to.equal(readFileSync(outPath, 'utf8'));
      expect(await formatGtv(output, `${name}.gtv`)).to.equal(output);
    });
  }
});

// stdlib/files.ts parseCsv cuts rows and cells by hand (for 1e6-row files); these cases hold it
// to the regex definition it replaces: lines split at \r?\n, trimmed, blank and # lines skipped,
// cells split at /[,;\t]|\s+/ with empty cells dropped, a non-numeric first row skipped.
import { expect } from 'chai';
import { parseCsv, type Parsed } from '../../stdlib/files.js';

function byRegex(text: string): Parsed {
  const rows = text.split(/\r?\n/);
  const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
  const value = (cell: string) => {
    const bare = cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).trim() : cell;
    return DECIMAL.test(bare) ? Number(bare) : Number.NaN;
  };
  const out: number[][] = [];
  let seen = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (row === '' || row.startsWith('#')) continue;
    seen++;
    const values = row.split(/[,;\t]|\s+/).filter((c) => c !== '').map(value);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      if (seen === 1) continue;
      return { ok: false, error: `row ${i + 1}, column ${bad + 1} is not a plain decimal number (such as 1, -0.5 or 2e-3)` };
    }
    if (out.length > 0 && values.length !== out[0].length) return { ok: false, error: `row ${i + 1} has ${values.length} columns, the first row has ${out[0].length}` };
    out.push(values);
  }
  if (out.length === 0) return { ok: false, error: 'the file holds no data rows' };
  return { ok: true, points: out };
}

const CASES = [
  'x,y\n1,2\n3,4\n',
  'x,y\r\n1,2\r\n3,4',
  '  1 ;  2 \n\n# comment\n3\t4\n',
  '1,,2\n3,4,\n',
  '1\u00a02\n3\u30004\n',
  '1e3, -0.5\n.5, 1E-2\n0x10, 2\n',
  'a,b\nc,d\n',
  '1,2\n3\n',
  '1,2\nfoo,4\n',
  '\n\n',
  '1,2\n3,4\n\r\n',
  '1\r2\n3\r4\n',
  '  # not a comment after trim? \n1\n',
  '1,2\r',
  '"1","2"\n3,4\n',
  '1,2\n\n3,NaN\n',
];

describe('csv parsing', () => {
  for (const text of CASES) {
    it(`${JSON.stringify(text)} as the regex definition`, () => {
      expect(parseCsv(text)).to.deep.equal(byRegex(text));
    });
  }
});

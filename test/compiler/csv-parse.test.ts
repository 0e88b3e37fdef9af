// stdlib/files.ts parseCsv cuts rows and cells by hand (for 1e6-row files); these cases hold it
// to the regex definition it replaces: lines split at \r?\n, trimmed, blank and # lines skipped,
// cells split at /[,;\t]|\s+/ with empty cells dropped, a non-numeric first row skipped.
import { expect } from 'chai';
import { parseCsv, type Parsed } from '../../stdlib/files.js';

function byRegex(text: string): Parsed {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: number[][] = [];
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i].split(/[,;\t]|\s+/).filter((c) => c !== '').map(Number);
    if (values.some((v) => !Number.isFinite(v))) {
      if (i === 0 && out.length === 0) continue;
      return { ok: false, error: `row ${i + 1} holds a value that is not a finite number` };
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
];

describe('csv parsing', () => {
  for (const text of CASES) {
    it(`${JSON.stringify(text)} as the regex definition`, () => {
      expect(parseCsv(text)).to.deep.equal(byRegex(text));
    });
  }
});

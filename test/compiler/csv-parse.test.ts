// stdlib/files.ts parseCsv cuts rows and cells by hand and reads numbers in place (for 1e6-row
// files); these cases and properties hold it to the regex definition it replaces: lines split at
// \r?\n, trimmed, blank and # lines skipped, cells split at /[,;\t]|\s+/ with empty cells
// dropped, a non-numeric first row skipped, every value Number(cell)'s (deep.equal tells -0 from 0).
// A file's bytes read as they are (ASCII) or decoded give what its text gives.
import { expect } from 'chai';
import fc from 'fast-check';
import { parseCsv, parseCsvFlat, type Parsed } from '../../stdlib/files.js';

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
    const values = row
      .split(/[,;\t]|\s+/)
      .filter((c) => c !== '')
      .map(value);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      if (seen === 1) continue;
      return {
        ok: false,
        error: `row ${i + 1}, column ${bad + 1} is not a plain decimal number (such as 1, -0.5 or 2e-3)`,
      };
    }
    if (out.length > 0 && values.length !== out[0].length)
      return { ok: false, error: `row ${i + 1} has ${values.length} columns, the first row has ${out[0].length}` };
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

const digits = (max: number) => fc.array(fc.constantFrom(...'0123456789'), { maxLength: max }).map((d) => d.join(''));

/** Decimal strings near the parser's fast-path limits: up to 25 digits on each side of the point
 * (leading and trailing zeros included), exponents up to 4 digits, or none of either part. */
const decimal = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.oneof(digits(25), fc.constantFrom('0', '000', '1', '123456789012345', '1234567890123456', '9007199254740993')),
    fc.constantFrom('', '.'),
    fc.oneof(digits(25), fc.constantFrom('', '5', '0000000000000000000001')),
    fc.oneof(
      fc.constant(''),
      fc
        .tuple(
          fc.constantFrom('e', 'E'),
          fc.constantFrom('', '+', '-'),
          fc.oneof(
            fc.integer({ min: 0, max: 30 }).map(String),
            digits(4),
            fc.constantFrom('307', '308', '309', '320', '324', '325', '00022'),
          ),
        )
        .map((p) => p.join('')),
    ),
  )
  .map((p) => p.join(''));

/** A printed double, in the forms JavaScript and NumPy write. */
const printed = fc
  .tuple(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: 1, max: 21 }),
    fc.integer({ min: 0, max: 20 }),
  )
  .chain(([x, p, f]) =>
    fc.constantFrom(
      String(x),
      x.toPrecision(p),
      x.toExponential(Math.min(p, 20)),
      Math.abs(x) < 1e21 ? x.toFixed(f) : String(x),
    ),
  );

const cell = fc.oneof(
  decimal,
  printed,
  decimal.map((d) => `"${d}"`),
  fc.constantFrom(
    '',
    '.',
    '-',
    '+.',
    'e5',
    '1e',
    '1e+',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    '1_000',
    '""',
    '"',
    '"1',
    '1"',
    '#',
    '1.2.3',
    '--1',
    '1e5.5',
    '\u0661',
  ),
);

const separator = fc.constantFrom(',', ';', ' ', '\t', '  ', ', ', '\u00a0', '\u3000', '\r', '\ufeff');
const newline = fc.constantFrom('\n', '\r\n', '\n\n', '\n# comment, 1\n', '\n  \n');

/** Files of rows of random cells: mostly numbers, some rows ragged or not numeric. */
const file = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(cell, separator), { minLength: 0, maxLength: 5 }),
        newline,
      ),
      { maxLength: 8 },
    ),
    fc.boolean(),
  )
  .map(([dim, rows, regular]) =>
    rows
      .map(
        ([n, cells, nl]) =>
          cells
            .slice(0, regular ? dim : n)
            .map(([c, s]) => c + s)
            .join('') + nl,
      )
      .join(''),
  );

describe('csv parsing, properties', () => {
  it("reads a file's UTF-8 bytes as its text: as they are when ASCII, decoded otherwise", () => {
    let ascii = 0;
    fc.assert(
      fc.property(file, (text) => {
        const bytes = new TextEncoder().encode(text);
        if (bytes.length === text.length) ascii++;
        expect(parseCsvFlat(bytes)).to.deep.equal(parseCsvFlat(text));
      }),
      { numRuns: 5000 },
    );
    // Both paths ran: the separators include Unicode spaces, so many files are not ASCII.
    expect(ascii).to.be.within(500, 4500);
  });

  it('reads every decimal cell as Number() does, bit for bit (fast path and fallback)', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, printed), fc.boolean(), (c, quoted) => {
        const r = parseCsv(`x\n${quoted ? `"${c}"` : c}\n`);
        const v = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(c) ? Number(c) : Number.NaN;
        if (Number.isFinite(v)) expect(r).to.deep.equal({ ok: true, points: [[v]] });
        else expect(r.ok).to.equal(false);
      }),
      { numRuns: 20000 },
    );
  });

  it('reads whole files as the regex definition (separators, CRLF, comments, quotes, headers, ragged rows)', () => {
    fc.assert(
      fc.property(file, (text) => {
        expect(parseCsv(text)).to.deep.equal(byRegex(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('packs the same points row after row in parseCsvFlat, and stops at maxPoints as parseCsv does', () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 0, max: 6 }), (text, max) => {
        const rows = parseCsv(text, max);
        const flat = parseCsvFlat(text, max);
        if (!rows.ok || !flat.ok) {
          expect(flat).to.deep.equal(rows);
          return;
        }
        expect(flat.count).to.equal(rows.points.length);
        expect(flat.dim).to.equal(rows.points[0].length);
        expect(Array.from(flat.values)).to.deep.equal(rows.points.flat());
      }),
      { numRuns: 3000 },
    );
  });
});

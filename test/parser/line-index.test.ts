import { expect } from 'chai';
import fc from 'fast-check';
import { LineIndex } from '../../compiler/line-index.js';

/** Line and column by walking the text from the start: the definition LineIndex must match. */
function walk(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

describe('LineIndex', () => {
  it('places offsets asked in any order (its cache of the last line must not leak between lookups)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n'), { maxLength: 60 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (t, asks) => {
        const index = new LineIndex(t, 'f.gtv');
        for (const a of asks) {
          const o = a % (t.length + 1);
          expect(index.position(o)).to.deep.equal({ offset: o, ...walk(t, o) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('clamps offsets outside the text', () => {
    const index = new LineIndex('ab\ncd', 'f.gtv');
    expect(index.position(-3)).to.deep.equal({ offset: 0, line: 1, column: 1 });
    expect(index.position(99)).to.deep.equal({ offset: 5, line: 2, column: 3 });
  });
});

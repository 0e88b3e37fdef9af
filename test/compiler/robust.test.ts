// Random edits of the examples must only ever produce diagnostics: never a throw and never an
// internal error (GTV0900, which the driver turns any exception into).
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { compileSource } from '../../compiler/driver.js';

const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.gtv'))
  .map((f) => ({ path: `examples/${f}`, text: readFileSync(`examples/${f}`, 'utf8') }));

// Fragments that exercise the checker rather than the parser: numbers of every sign and size,
// units, names of every kind, empty and nested lists.
const FRAGMENTS = [
  '0',
  '-1',
  '1e308',
  '1e-320',
  '0.5deg',
  '3km',
  'x',
  't',
  'pi',
  'true',
  'true_density',
  '[]',
  '[[1, 2], [3]]',
  '1 .. 0',
  '"s"',
  'eps',
  'P',
  'lin',
  'train',
  'nope',
  '1 / 0',
  'sqrt(-1)',
  '(',
  ')',
  ',',
];

const edit = fc.record({
  file: fc.nat(examples.length - 1),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.nat(12),
  insert: fc.constantFrom(...FRAGMENTS),
});

describe('compiler robustness (property)', () => {
  it('random edits of the examples only yield diagnostics, never internal errors', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const ex = examples[edits[0].file];
        let text = ex.text;
        for (const e of edits) {
          const i = Math.floor(e.at * text.length);
          text = text.slice(0, i) + e.insert + text.slice(i + e.len);
        }
        const out = compileSource(text, ex.path);
        const internal = out.diagnostics.filter((d) => d.code === 'GTV0900');
        expect(
          internal.map((d) => d.message),
          text,
        ).to.deep.equal([]);
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

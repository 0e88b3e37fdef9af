// Property test: whatever text reaches the front end, it answers with diagnostics, never an
// exception; every diagnostic carries a registered code and a span inside the text it names.
// Inputs: random token sequences from the language's vocabulary, and character- and token-level
// mutations of the example studies. Run counts keep this file at a few seconds.
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeInfo } from '../compiler/codes/index.js';
import { compileSource } from '../compiler/driver.js';
import type { Diagnostic } from '../compiler/diagnostics/types.js';
import { LineIndex } from '../compiler/line-index.js';
import { parseSource } from '../compiler/parse.js';
import { GtvLexer } from '../grammar/tokens.js';

// Found from this file, not the working directory, so a run from elsewhere still mutates them.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES_DIR = join(ROOT, 'examples');

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(join(dir, e.name)) : e.name.endsWith('.gtv') ? [join(dir, e.name)] : [],
  );
}

const INLINE_STUDIES = [
  `# gap filling\nstudy gap {\n  seed = 2025\n  data d = points([-1], [0], [1])\n  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)\n  sweep P = [64, 128]\n  features phi = gauss(x, n = 16, over = -1.5 .. 1.5) * gauss(t, n = 16, over = 1e-3 .. 1)\n  model lin = linear(phi, samples = P, ridge = 0.1)\n  sample s = ensemble(lin, members = 10, draws = 1e3)\n  metric g = gap_mass(s, radius = 0.2)\n  plot density(s) by (P) to "gap.svg"\n}\n`,
  `let angle = 22.5deg\ndata sq = rotate(polygon(n = 4, radius = 1), angle = angle)\n`,
];

const SOURCES: { path: string; text: string }[] = [
  ...exampleFiles(EXAMPLES_DIR).map((file) => ({ path: relative(ROOT, file), text: readFileSync(file, 'utf8') })),
  ...INLINE_STUDIES.map((text, i) => ({ path: `inline-${i}.gtv`, text })),
];

const VOCABULARY = [
  'import',
  'study',
  'let',
  'sweep',
  'data',
  'forward',
  'features',
  'model',
  'sample',
  'map',
  'metric',
  'plot',
  'by',
  'to',
  'true',
  'false',
  'x',
  't',
  'eps',
  'gauss',
  'vp',
  'n',
  'over',
  '0',
  '1.5',
  '.5',
  '1e-4',
  '2.5E+3',
  '22.5deg',
  '1.',
  '1e-',
  '"s"',
  '"a\\"b"',
  '"open',
  '"bad\\q"',
  '=',
  ',',
  '..',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '+',
  '-',
  '*',
  '/',
  '^',
  '# note',
  '\n',
  ';',
  ':',
  '@',
  '\u2212',
  '😀',
  '\u0000',
  '\\',
];
const SEPARATORS = [' ', '', '\n', '\t', '\r\n'];

/** Token images with the text before each, so token-level edits keep the rest of the layout. */
function tokenPieces(text: string): string[] {
  const { tokens } = GtvLexer.tokenize(text);
  const pieces: string[] = [];
  let at = 0;
  for (const t of tokens) {
    pieces.push(text.slice(at, (t.endOffset ?? t.startOffset) + 1));
    at = (t.endOffset ?? t.startOffset) + 1;
  }
  pieces.push(text.slice(at));
  return pieces;
}

type Edit = { op: 'delete' | 'insert' | 'swap' | 'duplicate'; at: number; len: number; piece: string };

function applyEdits<T>(items: T[], edits: Edit[], make: (piece: string) => T[]): T[] {
  const out = [...items];
  for (const e of edits) {
    if (out.length === 0) {
      out.push(...make(e.piece));
      continue;
    }
    const i = e.at % out.length;
    if (e.op === 'delete') out.splice(i, e.len);
    else if (e.op === 'insert') out.splice(i, 0, ...make(e.piece));
    else if (e.op === 'swap' && i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1], out[i]];
    else if (e.op === 'duplicate') out.splice(i, 0, ...out.slice(i, i + e.len));
  }
  return out;
}

const editArb = fc.record({
  op: fc.constantFrom('delete', 'insert', 'swap', 'duplicate') as fc.Arbitrary<Edit['op']>,
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  piece: fc.oneof(
    fc.constantFrom(...VOCABULARY),
    fc.string({ maxLength: 3 }),
    fc.string({ unit: 'binary', maxLength: 2 }),
  ),
});

const sourceArb = fc.constantFrom(...SOURCES);

const charMutation = fc.tuple(sourceArb, fc.array(editArb, { minLength: 1, maxLength: 6 })).map(([src, edits]) => ({
  path: src.path,
  text: applyEdits([...src.text], edits, (p) => [...p]).join(''),
}));

const tokenMutation = fc.tuple(sourceArb, fc.array(editArb, { minLength: 1, maxLength: 6 })).map(([src, edits]) => ({
  path: src.path,
  text: applyEdits(tokenPieces(src.text), edits, (p) => [` ${p}`]).join(''),
}));

const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom(...SEPARATORS)), { maxLength: 80 })
  .map((pairs) => ({ path: 'soup.gtv', text: pairs.map(([t, s]) => t + s).join('') }));

const anyInput = fc.oneof(charMutation, tokenMutation, tokenSoup);

function checkDiagnostics(diagnostics: Diagnostic[], textOf: (file: string) => string | undefined): void {
  for (const d of diagnostics) {
    expect(codeInfo(d.code), `unregistered code ${d.code}: ${d.message}`).to.not.equal(undefined);
    if (!d.span) continue;
    const text = textOf(d.span.file);
    if (text === undefined) continue; // a file the driver could not read (a mutated import path)
    const { start, end } = d.span;
    expect(start.offset, d.message).to.be.within(0, text.length);
    expect(end.offset, d.message).to.be.within(start.offset, text.length);
    const lines = new LineIndex(text, d.span.file);
    expect(lines.position(start.offset), d.message).to.deep.equal(start);
    expect(lines.position(end.offset), d.message).to.deep.equal(end);
  }
}

/** Fixed so CI runs are reproducible; set FUZZ_SEED to explore other inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20251129);

describe('fuzz: the front end only ever returns diagnostics', function () {
  this.timeout(60_000);

  it('has the example studies to mutate, wherever it runs from', () => {
    const examples = SOURCES.map((s) => s.path).filter((p) => p.startsWith('examples/'));
    expect(examples).to.include('examples/fig2-gap-filling.gtv');
    expect(examples.length).to.be.greaterThan(5);
  });

  it('parseSource: random token sequences and mutated studies', () => {
    fc.assert(
      fc.property(anyInput, ({ path, text }) => {
        const { ast, diagnostics } = parseSource(text, path);
        expect(ast.kind).to.equal('file');
        checkDiagnostics(diagnostics, (file) => (file === path ? text : undefined));
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  it('compileSource: random token sequences and mutated studies', () => {
    fc.assert(
      fc.property(anyInput, ({ path, text }) => {
        const out = compileSource(text, path);
        checkDiagnostics(out.diagnostics, (file) => out.files.get(file) ?? (file.endsWith(path) ? text : undefined));
      }),
      { numRuns: 120, seed: SEED },
    );
  });
});

// Comment torture at random: programs from the grammar, with random spacing, line breaks, blank
// lines and `#` comments between any two tokens. Formatting must succeed (so the re-parse check
// inside the plugin found the same study and every comment), and be idempotent.
import { expect } from 'chai';
import fc from 'fast-check';
import * as prettier from 'prettier';
import plugin from '../../editor/prettier/index.js';

type Tokens = string[];

const name = fc.constantFrom('a', 'b', 'eps', 'phi', 'P');
const atom: fc.Arbitrary<Tokens> = fc.oneof(
  fc.constantFrom('1', '1.5', '.5', '1e-4', '2.5E+3', '22.5deg', '"s"', '"a \\" b"', 'true', 'false').map((t) => [t]),
  name.map((n) => [n]),
);

const { expr } = fc.letrec<{ expr: Tokens; sum: Tokens; call: Tokens }>((tie) => ({
  // expr := sum ('..' sum)?
  expr: fc.oneof(
    { weight: 4, arbitrary: tie('sum') },
    { weight: 1, arbitrary: fc.tuple(tie('sum'), tie('sum')).map(([a, b]) => [...a, '..', ...b]) },
  ),
  sum: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: atom },
    { weight: 2, arbitrary: tie('call') },
    {
      weight: 1,
      arbitrary: fc.array(tie('expr'), { maxLength: 3 }).map((items) => ['[', ...commaSeparated(items), ']']),
    },
    { weight: 1, arbitrary: tie('expr').map((e) => ['(', ...e, ')']) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('-', '+'), tie('sum')).map(([op, e]) => [op, ...e]) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tie('sum'), fc.constantFrom('+', '-', '*', '/', '^'), tie('sum'))
        .map(([a, op, b]) => [...a, op, ...b]),
    },
  ),
  call: fc
    .tuple(name, fc.array(fc.tuple(fc.option(name, { nil: undefined }), tie('expr')), { maxLength: 4 }))
    .map(([callee, args]) => [callee, '(', ...commaSeparated(args.map(([n, v]) => (n ? [n, '=', ...v] : v))), ')']),
}));

function commaSeparated(items: Tokens[]): Tokens {
  return items.flatMap((item, i) => (i === 0 ? item : [',', ...item]));
}

const binding = fc
  .tuple(fc.constantFrom('let', 'sweep', 'model', 'features', ''), name, expr)
  .map(([kw, n, v]) => [...(kw ? [kw] : []), n, '=', ...v]);
const plot = fc
  .tuple(fc.option(name, { nil: undefined }), expr, fc.array(name, { maxLength: 2 }), fc.boolean())
  .map(([n, v, by, to]) => [
    'plot',
    ...(n ? [n, '='] : []),
    ...v,
    ...(by.length ? ['by', '(', ...commaSeparated(by.map((b) => [b])), ')'] : []),
    ...(to ? ['to', '"out.svg"'] : []),
  ]);
const study = fc
  .array(fc.oneof(binding, plot), { maxLength: 4 })
  .map((stmts) => ['study', 's', '{', ...stmts.flat(), '}']);
const topLevel = fc.oneof(
  study,
  binding.filter((b) => b[0] === 'let' || b[0] === 'model'),
  fc.constant(['import', '"lib/x.gtv"']),
);
const program = fc.array(topLevel, { minLength: 1, maxLength: 3 }).map((items) => items.flat());

/** What may stand between two tokens: spaces, line breaks, blank lines and comments. */
const gap = fc.constantFrom(' ', ' ', ' ', '\n', '\n\n\n', '  # c\n', '\n# own line\n', '\n  # indented\n\n', ' #\n');

const source = program.chain((tokens) =>
  fc
    .array(gap, { minLength: tokens.length, maxLength: tokens.length })
    .map((gaps) => tokens.map((t, i) => t + gaps[i]).join('')),
);

/** Narrow widths make every call, list and operator chain break, with comments in between. */
const printWidth = fc.constantFrom(16, 40, 100);

describe('formatter on random programs with comments anywhere', () => {
  it('keeps the study and every comment, and is idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(source, printWidth, async (text, width) => {
        const format = (t: string) => prettier.format(t, { parser: 'gtv', plugins: [plugin], printWidth: width });
        const once = await format(text);
        expect(await format(once), `formatting this twice differs:\n${once}`).to.equal(once);
      }),
      { numRuns: Number(process.env.FMT_RUNS ?? 300) },
    );
  });
});

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { validateIr } from '../../compiler/ir/validate.js';
import { irSchemaText, SCHEMA_PATH, VALIDATOR_PATH, validatorText } from '../../scripts/ir-schema.js';
import { compile } from './helpers.js';

const SNAPSHOTS = new URL('../snapshots/', import.meta.url);

const STUDY = `
study s {
  sweep k = [1, 2]
  data d = points([-1], [1])
  forward f = vp()
  features phi = gauss(x, n = 4, over = -2 .. 2) * poly(t, n = 3, over = 0.01 .. 1)
  model lin = linear(phi, samples = 16 * k)
  model nn = ntk(samples = 8)
  sample a = pf_ode(true, compat_grid_lookup = interval(-1.5, 1.5, 200))
  sample b = ensemble(lin, members = 2)
  sample c = effective_sde(nn)
  map m = vkernel_time_correlation(lin, grid = interval(-2, 2, 5), t = [0.1], ref_x = [0], ref_t = 0.5)
  metric tv = total_variation(b, true_density)
  metric kl = kl(b)
  plot table(tv, kl) by (k)
}`;

const fresh = () => JSON.parse(JSON.stringify(compile(STUDY).studies[0]));

describe('IR schema', () => {
  it('accepts the compiler output', () => {
    const out = compile(STUDY);
    expect(out.diagnostics).to.deep.equal([]);
    expect(validateIr(out.studies[0])).to.deep.equal([]);
  });

  const mutations: [string, (d: any) => void][] = [
    ['an unknown top-level key', (d) => (d.extra = 1)],
    ['an unknown node key', (d) => (d.cells[0].nodes[0].extra = 1)],
    ['a wrong IR version', (d) => (d.ir_version = 2)],
    ['a missing key', (d) => delete d.cells[0].seed],
    ['a bad enum value', (d) => (d.cells[0].nodes.find((n: any) => n.kind === 'sample').solver = 'rk4')],
    ['a non-integer count', (d) => (d.cells[0].nodes.find((n: any) => n.kind === 'sample').draws = 1.5)],
    ['a wrong node kind', (d) => (d.cells[0].nodes[0].kind = 'dataset')],
    ['a non-finite number', (d) => (d.cells[0].nodes[0].points[0][0] = NaN)],
    ['too many plot axes', (d) => (d.plots[0].by = ['a', 'b', 'c'])],
    ['a string where a number belongs', (d) => (d.seed = '7')],
    // Constraints carried by TSDoc tags in compiler/ir/types.ts:
    ['an empty node name (@minLength)', (d) => (d.cells[0].nodes[0].name = '')],
    ['zero draws (@minimum 1)', (d) => (d.cells[0].nodes.find((n: any) => n.kind === 'sample').draws = 0)],
    ['a negative seed (@minimum 0)', (d) => (d.cells[0].seed = -1)],
    ['a fractional seed (@asType integer)', (d) => (d.cells[0].seed = 0.5)],
    ['no cells (@minItems 1)', (d) => (d.cells = [])],
    [
      'a basis with no axes (@minItems 1)',
      (d) => (d.cells[0].nodes.find((n: any) => n.kind === 'features').tree.factors[0].axes = []),
    ],
    ['a zero y_max (@exclusiveMinimum 0)', (d) => (d.plots[0].y_max = 0)],
  ];
  for (const [what, mutate] of mutations) {
    it(`rejects ${what} with an internal-error diagnostic`, () => {
      const d = fresh();
      mutate(d);
      const problems = validateIr(d);
      expect(problems).to.have.length.greaterThan(0);
      expect(problems.every((p) => p.code === 'GTV0900' && p.severity === 'error')).to.equal(true);
    });
  }

  it('rejects non-objects without throwing', () => {
    for (const v of [null, 3, 'ir', [], {}]) expect(validateIr(v)).to.have.length.greaterThan(0);
  });

  it('and its precompiled validator are what compiler/ir/types.ts generates (npm run schema; build and test run it)', function () {
    this.timeout(120_000);
    const schema = irSchemaText();
    expect(readFileSync(SCHEMA_PATH, 'utf8') === schema, 'compiler/ir/schema.json is stale: npm run schema').to.equal(
      true,
    );
    expect(
      readFileSync(VALIDATOR_PATH, 'utf8') === validatorText(schema),
      'compiler/ir/schema-validator.ts is stale: npm run schema',
    ).to.equal(true);
  });

  it('accepts every IR snapshot of the examples (test/snapshots)', () => {
    const files = readdirSync(SNAPSHOTS).filter((f) => f.endsWith('.ir.json'));
    expect(files.length).to.be.greaterThan(5);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(new URL(f, SNAPSHOTS), 'utf8'));
      expect(validateIr(doc), f).to.deep.equal([]);
    }
  });
});

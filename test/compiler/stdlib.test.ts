import { expect } from 'chai';
import * as gen from '../../stdlib/data.js';
import { parseCsv, parseNpy } from '../../stdlib/files.js';
import { mulberry32 } from '../../stdlib/prng.js';
import {
  BUILTINS,
  formatSignature,
  kindsOfBuiltin,
  listBuiltins,
  lookupBuiltin,
  lookupParam,
} from '../../stdlib/signatures.js';

// Every built-in of the language reference (docs/language.md), by kind.
const PLANNED: Record<string, string[]> = {
  data: [
    'points',
    'polygon',
    'line',
    'grid',
    'ring',
    'mixture',
    'csv',
    'npy',
    'rotate',
    'scale',
    'shift',
    'duplicate',
    'outlier',
    'concat',
  ],
  forward: ['vp', 'alpha_sigma', 'edm', 've', 'anisotropic'],
  features: ['gauss', 'fourier', 'poly', 'rff'],
  model: ['naive', 'linear', 'ntk'],
  sample: ['pf_ode', 'naive', 'ensemble', 'effective_sde'],
  map: [
    'posterior_weights',
    'score',
    'proxy_covariance',
    'score_variance_ratio',
    'vkernel',
    'vkernel_time_correlation',
    'score_error',
  ],
  metric: ['memorized_fraction', 'gap_mass', 'nearest_distance', 'total_variation', 'kl', 'mmd', 'effective_dimension'],
  plot: ['density', 'heatmap', 'vkernel', 'table'],
  grid: ['interval', 'square', 'box'],
  sweep: ['linspace', 'geomspace'],
};

describe('stdlib signature table', () => {
  it('lists every planned built-in, each with a doc and documented parameters', () => {
    for (const [kind, names] of Object.entries(PLANNED)) {
      expect(listBuiltins(kind as never).map((b) => b.name)).to.include.members(names);
    }
    for (const b of BUILTINS) {
      expect(b.doc, b.name).to.match(/\S/);
      for (const p of b.params) expect(p.doc, `${b.name}.${p.name}`).to.match(/\S/);
      expect(new Set(b.params.map((p) => p.name)).size, b.name).to.equal(b.params.length);
    }
  });

  it('looks built-ins up by kind and name', () => {
    expect(lookupBuiltin('forward', 'vp')?.params.map((p) => p.name)).to.deep.equal(['beta_min', 'beta_d', 'T']);
    expect(lookupBuiltin('data', 'vp')).to.equal(undefined);
    expect(kindsOfBuiltin('vkernel')).to.have.members(['map', 'plot']);
    expect(lookupParam(lookupBuiltin('model', 'linear')!, 'ridge')).to.deep.include({
      range: { min: 0 },
      default: { value: 0.1 },
    });
    expect(lookupParam(lookupBuiltin('sample', 'pf_ode')!, 't_min')?.default).to.deep.equal({ setting: 't_min' });
    expect(formatSignature(lookupBuiltin('forward', 'vp')!)).to.equal('vp(beta_min = 0.1, beta_d = 19.9, T = 1)');
  });

  it('gives every enum its choices and a valid default', () => {
    for (const b of BUILTINS)
      for (const p of b.params) {
        if (p.type !== 'enum') continue;
        expect(p.values?.length, `${b.name}.${p.name}`).to.be.greaterThan(1);
        if (p.default && 'value' in p.default) expect(p.values).to.include(p.default.value);
      }
  });
});

describe('stdlib data generators', () => {
  it('builds polygons, lines, grids and rings', () => {
    const hex = gen.polygon(6, 1, 0).points;
    expect(hex).to.have.length(6);
    // cos/sin of multiples of pi/3: exact to a few ulps.
    expect(hex[1][0]).to.be.closeTo(0.5, 1e-15);
    expect(gen.polygon(4, 1, 0).points).to.deep.equal([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ]);
    expect(gen.line([-1, -1], [1, 1], 6).points[1]).to.deep.equal([-0.6, -0.6]);
    expect(gen.grid(0, 1, 2, 2).points).to.deep.equal([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(gen.linspace(0, 1, 1)).to.deep.equal([0]);
    const g = gen.geomspace(0.001, 0.1, 3);
    // Values name sweep cells, so decades come out exact, not exp(log(...)) with ulp noise.
    expect(g).to.deep.equal([0.001, 0.01, 0.1]);
    expect(gen.geomspace(1e-3, 10, 5)).to.deep.equal([0.001, 0.01, 0.1, 1, 10]);
  });

  it('draws the same seeded mixture every time, and a different one for another seed', () => {
    const a = gen.mixture(
      [
        [-1, 0],
        [1, 0],
      ],
      0.2,
      12,
      7,
    ).points;
    expect(
      gen.mixture(
        [
          [-1, 0],
          [1, 0],
        ],
        0.2,
        12,
        7,
      ).points,
    ).to.deep.equal(a);
    expect(
      gen.mixture(
        [
          [-1, 0],
          [1, 0],
        ],
        0.2,
        12,
        8,
      ).points,
    ).to.not.deep.equal(a);
    const r = mulberry32(1);
    const u = Array.from({ length: 1000 }, () => r.uniform());
    expect(Math.min(...u)).to.be.at.least(0);
    expect(Math.max(...u)).to.be.below(1);
  });

  it('folds duplicates and outliers into weights, and concatenates by point count', () => {
    const d = gen.points([[0], [1]]);
    expect(gen.normalize(gen.duplicate(d, 0, 3).weights)).to.deep.equal([0.75, 0.25]);
    expect(gen.outlier(d, [5], 2).weights).to.deep.equal([1, 1, 2]);
    expect(gen.concat([gen.duplicate(d, 0, 3), gen.points([[9]])]).weights).to.deep.equal([1.5, 0.5, 1]);
  });

  it('parses csv with a header and reports bad rows', () => {
    expect(parseCsv('x,y\n1,2\n3,4\n')).to.deep.equal({
      ok: true,
      points: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseCsv('1,2\n3\n').ok).to.equal(false);
    expect(parseCsv('').ok).to.equal(false);
  });

  it('parses npy (float64, shape (M, D)) and rejects garbage', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = header + ' '.repeat(pad) + '\n';
    const bytes = new Uint8Array(10 + h.length + 32);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, h.length, true);
    bytes.set(new TextEncoder().encode(h), 10);
    new Float64Array(bytes.buffer, 10 + h.length, 4).set([1, 2, 3, 4]);
    expect(parseNpy(bytes)).to.deep.equal({
      ok: true,
      points: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseNpy(new Uint8Array([1, 2, 3])).ok).to.equal(false);
  });
});

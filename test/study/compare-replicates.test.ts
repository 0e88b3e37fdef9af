// The report's theory-versus-ensemble error (study/compare.ts) computes its bootstrap replicates
// bin block by bin block for all replicates at once. It must give the bytes of the plain form:
// per replicate, pooledBins of each set's per-member bin probabilities, then totalVariation.
import { expect } from 'chai';
import type { IrCell, IrSample } from '../../compiler/ir/types.js';
import { BOOTSTRAP, bootstrap, pooledBins } from '../../runtime/metric-errors.js';
import { totalVariation } from '../../runtime/metrics.js';
import { deriveSeed, uniforms } from '../../runtime/rng.js';
import type { CellResult, NodeResult } from '../../runtime/results.js';
import { compareTheoryEnsemble } from '../../study/compare.js';
import { gapStudy } from './fixtures.js';
import { linalgSimdCalls } from '../../runtime/linalg/wasm/simd.js';
import { linalgWasmHere, withLinalgSimd } from '../runtime-models/setup.js';

/** A sample's result: member densities [members, B] drawn at random (members 0: none), and their mean. */
function sampleResult(members: number, shape: number[], volume: number, seed: number): NodeResult {
  const B = shape.reduce((a, b) => a * b, 1);
  const u = uniforms(seed, Math.max(1, members) * B);
  const md = new Float64Array(Math.max(1, members) * B);
  for (let m = 0; m < Math.max(1, members); m++) {
    // Some empty bins, and about 10% of each member's mass outside the range.
    let total = 0;
    for (let b = 0; b < B; b++) total += md[m * B + b] = u[m * B + b] < 0.2 ? 0 : u[m * B + b];
    for (let b = 0; b < B; b++) md[m * B + b] *= 0.9 / total / volume;
  }
  const density = new Float64Array(B);
  const K = Math.max(1, members);
  for (let m = 0; m < K; m++) for (let b = 0; b < B; b++) density[b] += md[m * B + b] / K;
  const dims = shape.length === 1 ? ['bin_x'] : ['bin_x', 'bin_y'];
  const arrays: NodeResult['arrays'] = {
    density: { shape, dtype: 'float64', data: density, doc: '', dims },
  };
  if (members > 0)
    arrays.member_density = {
      shape: [members, ...shape],
      dtype: 'float64',
      data: md,
      doc: '',
      dims: ['member', ...dims],
    };
  return { arrays, scalars: { inside_fraction: 0.9 }, notes: [] };
}

/** The replicates as the report computed them before: one pooledBins per set and replicate. */
function plainError(a: NodeResult, b: NodeResult, volume: number, seed: number): number {
  const binsOf = (r: NodeResult) => {
    const d = r.arrays.density.data;
    const B = d.length;
    const pooled = new Float64Array(B + 1);
    for (let k = 0; k < B; k++) pooled[k] = d[k] * volume;
    pooled[B] = 1 - r.scalars.inside_fraction;
    const md = r.arrays.member_density?.data;
    if (!md) return { pooled, members: null, count: 0 };
    const K = md.length / B;
    const members = new Float64Array(K * (B + 1));
    for (let k = 0; k < K; k++) {
      let inside = 0;
      for (let j = 0; j < B; j++) {
        const p = md[k * B + j] * volume;
        members[k * (B + 1) + j] = p;
        inside += p;
      }
      members[k * (B + 1) + B] = Math.max(0, 1 - inside);
    }
    return { pooled, members, count: K };
  };
  const P = binsOf(a);
  const Q = binsOf(b);
  const sets = [P, Q].filter((s) => s.members !== null);
  const scratch = sets.map(() => new Float64Array(P.pooled.length));
  return bootstrap(
    sets.map((s) => s.count),
    seed,
    (w) => {
      const pooled = sets.map((s, i) => pooledBins(s.members!, new Float64Array(s.count).fill(1), w[i], scratch[i]));
      return totalVariation(P.members ? pooled[0] : P.pooled, Q.members ? pooled[sets.length - 1] : Q.pooled);
    },
  );
}

/** The fixture's first cell with its trained and theory histograms set to `bins` (and 2D when asked). */
function cellWith(bins: number, dim: 1 | 2): IrCell {
  const cell = gapStudy().cells[0];
  const range: [number, number][] =
    dim === 1
      ? [[-1.5, 1.5]]
      : [
          [-1.5, 1.5],
          [-1, 1],
        ];
  return {
    ...cell,
    nodes: cell.nodes.map((n) =>
      n.kind === 'sample' && (n.name === 'trained' || n.name === 'theory')
        ? ({ ...n, histogram: { bins, range } } as IrSample)
        : n,
    ),
  };
}

describe('study/compare: blocked bootstrap replicates', () => {
  const cases: { what: string; bins: number; dim: 1 | 2; trained: number; theory: number }[] = [
    // 151 bins with the outside one: blocks of 64, 64 and 23.
    { what: '1D, 150 bins, 9 and 7 members', bins: 150, dim: 1, trained: 9, theory: 7 },
    // 64 bins: the outside bin alone in the last block.
    { what: '1D, 64 bins, theory without members', bins: 64, dim: 1, trained: 11, theory: 0 },
    { what: '2D, 13 x 13 bins, 6 and 5 members', bins: 13, dim: 2, trained: 6, theory: 5 },
  ];
  for (const [c, simd] of cases.flatMap((c) => [true, false].map((on) => [c, on] as const))) {
    it(`gives the plain per-replicate computation's bytes (${c.what}; ${simd ? 'wasm' : 'JS loops'})`, function () {
      if (simd && !linalgWasmHere()) this.skip(); // no WebAssembly SIMD here
      const cell = cellWith(c.bins, c.dim);
      const shape = c.dim === 1 ? [c.bins] : [c.bins, c.bins];
      const volume = c.dim === 1 ? 3 / c.bins : (3 / c.bins) * (2 / c.bins);
      const trained = sampleResult(c.trained, shape, volume, 11);
      const theory = sampleResult(c.theory, shape, volume, 12);
      const result: CellResult = { cellId: cell.id, nodes: { trained, theory }, timings: {}, backend: 'cpu' };
      const calls = linalgSimdCalls();
      const [cmp] = withLinalgSimd(simd, () => compareTheoryEnsemble(cell, result));
      expect(linalgSimdCalls() - calls, 'replicates in wasm').to.equal(simd ? 1 : 0);
      const expected = plainError(trained, theory, volume, deriveSeed(cell.seed, 'bootstrap', 'trained~theory'));
      expect(Number.isFinite(expected)).to.equal(true);
      expect(cmp.tvError).to.equal(expected);
      expect(BOOTSTRAP).to.equal(200);
    });
  }
});

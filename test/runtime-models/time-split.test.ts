// features.ts TimeSplit: every feature as sum_r space_r(x) time_r(t), and the white-noise table
// built from it (vkernel/white.ts splitKbar) against phi evaluated at every (grid point, node).
import { expect } from 'chai';
import type { IrAxisName, IrBasisKind, IrFeatureTree } from '../../compiler/ir/types.js';
import { compileFeatures, type FeatureMap } from '../../runtime/features.js';
import { whiteIntensity } from '../../runtime/vkernel/white.js';
import { population, type Population } from '../../runtime/vkernel/population.js';
import { makeLinearState } from '../../runtime/models/linear-node.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { gauss, linearNode, three, vp } from './setup.js';

const basis = (
  kind: IrBasisKind,
  axes: IrAxisName[],
  n: number,
  over: [number, number],
  width: number,
  seed = 5,
): IrFeatureTree => ({ op: 'basis', basis: kind, axes, n, over, width, seed });

const rffXYT = basis('rff', ['x', 'y', 't'], 60, [-1, 1], 0.5);
const ring = {
  points: Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1, 0.7, 0.7]),
  weights: new Float64Array(5).fill(0.2),
  M: 5,
  dim: 2,
};

/** phi from the split: sum_r space[p, r, f] time(t_p)[r, f]. */
function fromSplit(fm: FeatureMap, x: Float64Array, t: Float64Array, n: number): Float64Array {
  const sp = fm.split!;
  const { R, size } = sp;
  const S = new Float64Array(n * R * size);
  sp.space(x, n, S);
  const T = new Float64Array(R * size);
  const out = new Float64Array(n * size);
  for (let p = 0; p < n; p++) {
    sp.time(t[p], T);
    for (let f = 0; f < size; f++) {
      let v = 0;
      for (let r = 0; r < R; r++) v += S[(p * R + r) * size + f] * T[r * size + f];
      out[p * size + f] = v;
    }
  }
  return out;
}

/** The same population with the split (and product) forms hidden: whiteIntensity's dense path. */
function densePath(pop: Population): Population {
  const features = { ...pop.state.features, split: null, factored: null };
  return { ...pop, state: { ...pop.state, features } };
}

describe('runtime time-split features and the white-noise table', () => {
  const cases: [string, IrFeatureTree, number, number][] = [
    // name, tree, dim, expected R
    ['rff over x, y, t (2 terms)', rffXYT, 2, 2],
    ['rff with t first, over t, x', basis('rff', ['t', 'x'], 30, [-1, 1], 0.3), 1, 2],
    ['rff over space only (1 term)', basis('rff', ['x', 'y'], 20, [-1, 1], 0.4), 2, 1],
    ['tensor Gaussian over x, t', basis('gauss', ['x', 't'], 5, [-1, 1], 0.4), 1, 1],
    [
      'product of rff over x, t, a t Fourier basis and rff over y, t (4 terms)',
      {
        op: 'product',
        factors: [
          basis('rff', ['x', 't'], 6, [-1, 1], 0.5, 1),
          basis('fourier', ['t'], 3, [0, 1], 0),
          basis('rff', ['y', 't'], 4, [-1, 1], 0.7, 2),
        ],
      },
      2,
      4,
    ],
    [
      'concat of rff over x, y, t, a Gaussian in x and a poly in t',
      { op: 'concat', parts: [rffXYT, gauss('x', 4, [-1, 1], 0.3), basis('poly', ['t'], 3, [0, 1], 0)] },
      2,
      2,
    ],
  ];
  for (const [name, tree, dim, R] of cases) {
    it(`the split reproduces phi(x, t): ${name}`, () => {
      const fm = compileFeatures(tree, dim);
      expect(fm.split, 'split form').to.not.equal(null);
      expect(fm.split!.R).to.equal(R);
      expect(fm.split!.size).to.equal(fm.F);
      const n = 50;
      const x = normals(21, n * dim).map((v) => 1.5 * v);
      const t = uniforms(22, n);
      const ref = fm.evaluate(x, t, n);
      const got = fromSplit(fm, x, t, n);
      const top = Math.max(...ref.map(Math.abs));
      // Both sides round the angle (|angle| < ~30 here) and the cos once, the split adds one
      // product and one sum: a few 1e-15 of the largest entry. A wrong index or sign is O(1).
      let err = 0;
      ref.forEach((v, i) => (err = Math.max(err, Math.abs(got[i] - v))));
      expect(err / top).to.be.below(1e-13);
    });
  }

  it('white-noise table: the split path equals phi at every (grid point, node) (rff over x, y, t, 2D)', () => {
    const state = makeLinearState(linearNode(300, 0.01), rffXYT, ring, vp);
    const pop = population(state, 2000, 4);
    expect(pop.state.features.factored).to.equal(null);
    const axes = [
      { lo: -3, hi: 3, n: 9 },
      { lo: -2.5, hi: 2.5, n: 8 },
    ];
    const times = Float64Array.from([1, 0.6, 0.2, 0.05, 0.01]);
    const fast = whiteIntensity(pop, axes, times).q;
    const slow = whiteIntensity(densePath(pop), axes, times).q;
    const top = Math.max(...slow.map(Math.abs));
    expect(top).to.be.above(0);
    // The two sum the same trapezoid rule in another order (rounding ~1e-16 of the terms) before
    // the SigmaG solve, which amplifies it by up to cond(SigmaG): measured 4e-16 of the largest
    // entry; 1e-12 leaves that room. Dropping a term or a node changes it by 1e-3 or more.
    let err = 0;
    fast.forEach((v, i) => (err = Math.max(err, Math.abs(v - slow[i]))));
    expect(err / top).to.be.below(1e-12);
  });

  it('white-noise table: the split path equals the dense path for a concat tree (1D)', () => {
    const tree: IrFeatureTree = {
      op: 'concat',
      parts: [basis('rff', ['x', 't'], 40, [-1, 1], 0.4), gauss('x', 6, [-1.5, 1.5], 0.3)],
    };
    const pop = population(makeLinearState(linearNode(300, 0.01), tree, three, vp), 1500, 6);
    const axes = [{ lo: -2, hi: 2, n: 31 }];
    const times = Float64Array.from([0.9, 0.4, 0.1, 0.02]);
    const fast = whiteIntensity(pop, axes, times).q;
    const slow = whiteIntensity(densePath(pop), axes, times).q;
    const top = Math.max(...slow.map(Math.abs));
    expect(top).to.be.above(0);
    // As above (measured 2e-15).
    let err = 0;
    fast.forEach((v, i) => (err = Math.max(err, Math.abs(v - slow[i]))));
    expect(err / top).to.be.below(1e-12);
  });
});

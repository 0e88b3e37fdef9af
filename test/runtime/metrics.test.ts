import { expect } from 'chai';
import { makeSchedule } from '../../runtime/schedule.js';
import {
  effectiveDimension,
  erfc,
  gapMass,
  klDivergence,
  memorizedFraction,
  mixtureBinProbabilities,
  mmd2,
  nearestDistances,
  totalVariation,
} from '../../runtime/metrics.js';
import { histogram } from '../../runtime/histogram.js';
import { normals } from '../../runtime/rng.js';

const line = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };

describe('runtime/metrics', () => {
  it('effective_dimension is the participation ratio of the sample covariance: closed forms', () => {
    // Four points (+-a, 0), (0, +-b): covariance diag(2a^2, 2b^2) / 3, ratio (a^2 + b^2)^2 / (a^4 + b^4).
    const [a, b] = [1, 2];
    const cross = Float64Array.from([a, 0, -a, 0, 0, b, 0, -b]);
    expect(effectiveDimension(cross, 4, 2)).to.be.closeTo((a * a + b * b) ** 2 / (a ** 4 + b ** 4), 1e-12);
    // Points on the line y = 2x: one non-zero eigenvalue, ratio 1 (the zero one rounds to about 1e-16).
    const line = Float64Array.from([-1, -2, 0, 0, 1, 2, 3, 6]);
    expect(effectiveDimension(line, 4, 2)).to.be.closeTo(1, 1e-12);
    // Six points +-e_k in 3D: isotropic, ratio 3.
    const iso = Float64Array.from([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1]);
    expect(effectiveDimension(iso, 6, 3)).to.be.closeTo(3, 1e-12);
  });

  it('erfc matches reference values to 2e-13 relative', () => {
    // Reference values from mpmath. Just below the series/continued-fraction switch (x = 2.5)
    // 1 - erf(x) cancels about log10(1/erfc) ~ 3.2 digits, hence 2e-13 rather than 1e-16.
    const ref: [number, number][] = [
      [0.5, 0.4795001221869534623],
      [1, 0.1572992070502851307],
      [2.4, 6.885138966450786e-4],
      [3, 2.209049699858544137e-5],
      [6, 2.151973671249891311e-17],
      [-1, 1.8427007929497148693],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) - v) / v).to.be.below(2e-13);
  });

  it('memorized fraction, gap mass and nearest distances follow their definitions', () => {
    const x = Float64Array.from([-1, -0.95, 0, 0.5, 2]);
    expect(memorizedFraction(x, 5, 1, line, 0.1)).to.equal(2 / 5);
    // 0 and 0.5 are far from both points and inside [-1, 1]; 2 is outside the data's extent
    expect(gapMass(x, 5, 1, line, 0.1)).to.equal(2 / 5);
    expect(Array.from(nearestDistances(x, 5, 1, line))).to.deep.equal([0, 0.050000000000000044, 1, 0.5, 1]);
  });

  it('total variation and KL on known distributions', () => {
    expect(totalVariation([0.5, 0.5, 0], [0.25, 0.25, 0.5])).to.equal(0.5);
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).to.be.closeTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-15);
    expect(klDivergence([0.5, 0.5], [1, 0])).to.equal(Infinity);
  });

  it('exact mixture bin probabilities sum to 1 and the full-covariance path matches the erf path', () => {
    const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
    const p = mixtureBinProbabilities(line, vp, 0.01, { bins: 50, range: [[-1.5, 1.5]] });
    expect(p.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    const set2 = {
      points: Float64Array.from([0.5, -0.5, -0.3, 0.2]),
      weights: Float64Array.from([0.4, 0.6]),
      M: 2,
      dim: 2,
    };
    const spec = {
      bins: 30,
      range: [
        [-1.5, 1.5],
        [-1.5, 1.5],
      ] as [number, number][],
    };
    const diag = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: [
        [1, 0],
        [0, 0.5],
      ],
      diffusion_time: 'beta',
    });
    // a 1e-12 off-diagonal forces the quadrature path without changing the density measurably
    const nearly = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: [
        [1, 1e-12],
        [1e-12, 0.5],
      ],
      diffusion_time: 'beta',
    });
    const a = mixtureBinProbabilities(set2, diag, 0.1, spec);
    const b = mixtureBinProbabilities(set2, nearly, 0.1, spec);
    // bins of 0.1 against sigma >= 0.31: 3x3 Gauss-Legendre per bin errs ~1e-7 of a bin's mass
    for (let i = 0; i < a.length; i++) expect(b[i]).to.be.closeTo(a[i], 1e-6 * Math.max(a[i], 1e-3));
  });

  it('effective dimension is 1 on a line and ~2 for isotropic spread', () => {
    const n = 20000;
    const z = normals(4, 2 * n);
    const lineSamples = Float64Array.from({ length: 2 * n }, (_, i) => z[i - (i % 2)] * (i % 2 ? 2 : 1));
    expect(effectiveDimension(lineSamples, n, 2)).to.be.closeTo(1, 1e-9);
    // participation ratio of two sample variances of n normals: each within ~3% (5 SE), so the
    // ratio is within 0.01 of 2
    expect(effectiveDimension(z, n, 2)).to.be.closeTo(2, 0.01);
  });

  it('MMD is ~0 between draws of one distribution and clearly positive for a shift', () => {
    const x = normals(1, 1000);
    const y = normals(2, 1000);
    const shifted = y.map((v) => v + 0.5);
    const same = mmd2(x, 1000, y, 1000, 1, 1).value;
    const diff = mmd2(x, 1000, shifted, 1000, 1, 1).value;
    // Population value for N(0,1) vs N(d,1), bandwidth h: 2 h/sqrt(h^2+2) (1 - exp(-d^2/(2(h^2+2))))
    // = 0.0471 for d = 0.5, h = 1. The unbiased estimator's sd is ~1e-3 under the null and
    // ~3e-3 here (n = 1000): tolerances of 5 sd.
    expect(Math.abs(same)).to.be.below(5e-3);
    expect(diff).to.be.closeTo((2 / Math.sqrt(3)) * (1 - Math.exp(-0.25 / 6)), 0.015);
    // median heuristic: |X - Y| is half-normal with scale sqrt(2), median sqrt(2) * 0.6745 = 0.954;
    // from 200 x 200 pairs the sample median is within ~0.05 (5% at 5 sd is generous)
    expect(mmd2(x, 1000, y, 1000, 1, 0).bandwidth).to.be.closeTo(0.954, 0.08);
  });

  it('MMD over capped sets strides through all draws (ensembles store them member by member)', () => {
    // Two "members" of 2000 draws each, one per distribution; a 2000-row prefix would see only the
    // first member and report a large MMD against the same pooled set in reverse member order.
    const a = normals(3, 2000);
    const b = normals(4, 2000).map((v) => v + 3);
    const ab = Float64Array.from([...a, ...b]);
    const ba = Float64Array.from([...b, ...a]);
    // Both strided subsets hold half of each member: the population MMD is 0; sd ~2e-3 at n = 2000.
    expect(Math.abs(mmd2(ab, 4000, ba, 4000, 1, 1, 2000).value)).to.be.below(0.02);
  });

  it('histograms normalize to the in-range fraction', () => {
    const h = histogram(Float64Array.from([0, 0.1, 0.99, 1, 5]), 5, 1, { bins: 2, range: [[0, 1]] });
    // [0, 0.5) holds 0 and 0.1; [0.5, 1] holds 0.99 and 1 (last bin closed); 5 is outside
    expect(Array.from(h.density)).to.deep.equal([0.8, 0.8]);
    expect(h.inside).to.equal(0.8);
  });
});

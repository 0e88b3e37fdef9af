// An ensemble's pooled density and quartile band: the pooled density comes from its members' histograms (histogram.ts pooledHistogram)
// instead of a second pass over all its draws: it must be the same bytes as histogram() of the
// pooled draws, edges and out-of-range draws included.
import { expect } from 'chai';
import type { IrHistogram } from '../../compiler/ir/types.js';
import { histogram, pooledHistogram } from '../../runtime/histogram.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { memberQuartiles, quantile } from '../../runtime/samplers/members.js';

/** members x draws samples [.., dim]: normals spread past the range, some exactly on bin edges. */
function draws(members: number, n: number, dim: number, spec: IrHistogram): Float32Array {
  const z = normals(5, members * n * dim);
  const u = uniforms(6, members * n * dim);
  const out = new Float32Array(members * n * dim);
  for (let i = 0; i < out.length; i++) {
    const [lo, hi] = spec.range[i % dim];
    // One draw in ten on an edge (the last edge is inside, numpy's convention).
    out[i] = u[i] < 0.1 ? lo + ((hi - lo) * Math.floor(u[i] * 10 * (spec.bins + 1))) / spec.bins : 1.2 * z[i];
  }
  return out;
}

describe('histogram: pooled from the members', () => {
  const cases: { dim: 1 | 2; spec: IrHistogram }[] = [
    { dim: 1, spec: { bins: 37, range: [[-1.5, 1.5]] } },
    {
      dim: 2,
      spec: {
        bins: 9,
        range: [
          [-1, 1.5],
          [-2, 0.7],
        ],
      },
    },
  ];
  for (const { dim, spec } of cases) {
    it(`equals the histogram of the pooled draws, byte for byte (${dim}D)`, () => {
      const members = 7;
      const n = 3001;
      const x = draws(members, n, dim, spec);
      const B = dim === 1 ? spec.bins : spec.bins ** 2;
      const md = new Float64Array(members * B);
      for (let m = 0; m < members; m++)
        md.set(histogram(x.subarray(m * n * dim, (m + 1) * n * dim), n, dim, spec).density, m * B);
      const direct = histogram(x, members * n, dim, spec);
      const pooled = pooledHistogram(md, members, n, dim, spec);
      // Some draws leave the range, so `inside` is a real check.
      expect(direct.inside).to.be.within(0.3, 0.99);
      expect(pooled.inside).to.equal(direct.inside);
      expect(pooled.shape).to.deep.equal(direct.shape);
      expect(pooled.volume).to.equal(direct.volume);
      expect(pooled.edges).to.deep.equal(direct.edges);
      expect(Array.from(pooled.density)).to.deep.equal(Array.from(direct.density));
    });
  }

  it('refuses member densities of the wrong size', () => {
    const spec: IrHistogram = { bins: 4, range: [[0, 1]] };
    expect(() => pooledHistogram(new Float64Array(7), 2, 10, 1, spec)).to.throw(/member densities/);
  });
});

describe('members: quartiles across members', () => {
  /** The plain form: each bin's column sorted whole. */
  function sortedQuartiles(md: Float64Array, members: number, B: number) {
    const q25 = new Float64Array(B);
    const q75 = new Float64Array(B);
    const col = new Float64Array(members);
    for (let b = 0; b < B; b++) {
      for (let m = 0; m < members; m++) col[m] = md[m * B + b];
      col.sort();
      q25[b] = quantile(col, 0.25);
      q75[b] = quantile(col, 0.75);
    }
    return { q25, q75 };
  }

  for (const members of [100, 10, 7, 2]) {
    it(`equal those of the whole sorted column, zeros and all (${members} members)`, () => {
      const B = 400;
      const u = uniforms(8, members * B * 2);
      const md = new Float64Array(members * B);
      // Bin b is empty for a share b / B of the members: from no zeros to all zeros.
      for (let m = 0; m < members; m++)
        for (let b = 0; b < B; b++)
          md[m * B + b] = u[m * B + b] < b / B ? 0 : Math.round(u[members * B + m * B + b] * 50);
      // A -0, a negative value and a NaN in three bins take the path that sorts everything.
      md[3] = -0;
      md[B + 5] = -1;
      md[2 * B + 7] = NaN;
      const fast = memberQuartiles(md, members, B);
      const plain = sortedQuartiles(md, members, B);
      expect(Array.from(fast.q25).map(String)).to.deep.equal(Array.from(plain.q25).map(String));
      expect(Array.from(fast.q75).map(String)).to.deep.equal(Array.from(plain.q75).map(String));
      expect(fast.q25.some((v) => v > 0)).to.equal(true);
    });
  }
});

import { expect } from 'chai';
import { makeNtkState } from '../../runtime/models/ntk.js';
import { ntkPopulation } from '../../runtime/vkernel/ntk.js';
import { flowDivided2, ntkMeanBias } from '../../runtime/vkernel/ntk-mean-bias.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { flowDivided2Reference, ntkMeanBiasReference } from './ntk-mean-bias-reference.js';
import { ntkNode, vp } from './setup.js';

// The blocked ntkMeanBias against the straightforward triple loop it replaced
// (ntk-mean-bias-reference.ts). Every output sums the same floating-point terms in the same order,
// so the stated tolerance is zero: bit-for-bit equal, on shapes that exercise the 4 x 4 blocks'
// padding (K and L not multiples of 4), a partial last tile of design points (N not a multiple of
// 128), D = 2, and a spectrum with no mode above the flat threshold.

type Args = Parameters<typeof ntkMeanBias>;

/** Largest |new - reference| over the outputs (both must be non-null). */
function maxDiff(args: Args): { diff: number; size: number } {
  const got = ntkMeanBias(...args);
  const want = ntkMeanBiasReference(...args);
  expect(got, 'blocked result').to.not.equal(null);
  expect(want, 'reference result').to.not.equal(null);
  expect(got!.length).to.equal(want!.length);
  let diff = 0;
  let size = 0;
  for (let i = 0; i < got!.length; i++) {
    diff = Math.max(diff, Math.abs(got![i] - want![i]));
    size = Math.max(size, Math.abs(want![i]));
  }
  return { diff, size };
}

/** Synthetic inputs: lambda log-uniform on [0.5, 50], ybar uniform, nu = 4 / 2^k, v Gaussian / sqrt(N). */
function synthetic(N: number, D: number, K: number, c: number, seed: number): Args {
  const u = uniforms(seed, N * (1 + D));
  const lambda = Float64Array.from({ length: N }, (_, j) => 0.5 * 100 ** u[j]);
  const ybar = Float64Array.from({ length: N * D }, (_, i) => 2 * u[N + i] - 1);
  const nu = Float64Array.from({ length: K }, (_, k) => 4 * 0.5 ** k);
  const v = normals(seed + 1, N * K).map((z) => z / Math.sqrt(N));
  return [N, D, lambda, ybar, nu, v, c, 256];
}

function ntkArgs(
  N: number,
  data: { points: Float64Array; weights: Float64Array; M: number; dim: number },
  tau: number,
): Args {
  const node = ntkNode({ samples: 128, tau, design: N, seed: 5 });
  const pop = ntkPopulation(makeNtkState(node, data, vp), N, 9);
  return [N, data.dim, pop.lambda, pop.ybar, pop.nu, pop.v, tau, 128];
}

describe('blocked ntkMeanBias equals its straightforward formulation (vkernel/ntk-mean-bias.ts)', function () {
  this.timeout(120000);

  it('synthetic spectra: N = 150, 300 and 129, K = 37, 50 and 6, D = 1 and 2, c = 1, 10 and 3', () => {
    for (const [N, D, K, c, seed] of [
      [150, 1, 37, 1, 1],
      [300, 2, 50, 10, 2],
      [129, 2, 6, 3, 3],
    ]) {
      const args = synthetic(N, D, K, c, seed);
      const top = args[4].filter((nu) => c * nu >= 1e-3).length;
      if (K > 6) expect(top, 'some modes above the flat threshold, some below').to.be.within(1, K - 1);
      const { diff, size } = maxDiff(args);
      expect(size, `N ${N} K ${K}: the correction is not trivially zero`).to.be.above(0);
      expect(diff, `N ${N} D ${D} K ${K} c ${c}`).to.equal(0);
    }
  });

  it('every mode below the flat threshold (no top modes, only the flat sum)', () => {
    const args = synthetic(140, 1, 21, 1e-5, 4);
    expect(Math.max(...args[4]) * 1e-5, 'c nu_max below FLAT = 1e-3').to.be.below(1e-3);
    expect(maxDiff(args).diff).to.equal(0);
  });

  it('NTK populations on 1D and 2D data (tau = 0.1 and 3)', () => {
    const two = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
    const square = {
      points: Float64Array.from([-1, -1, 1, -1, 0, 1]),
      weights: Float64Array.from([0.25, 0.25, 0.5]),
      M: 3,
      dim: 2,
    };
    for (const [data, N, tau] of [
      [two, 200, 0.1],
      [two, 200, 3],
      [square, 150, 1],
    ] as const) {
      const { diff, size } = maxDiff(ntkArgs(N, data, tau));
      expect(size).to.be.above(0);
      expect(diff, `dim ${data.dim} N ${N} tau ${tau}`).to.equal(0);
    }
  });

  it('returns null where the reference does: c = 0, c^3 overflowing, and the cost bound exceeded', () => {
    const args = synthetic(50, 1, 8, 1, 5);
    for (const c of [0, 1e120]) {
      const a: Args = [...args];
      a[6] = c;
      expect(ntkMeanBiasReference(...a), `reference, c = ${c}`).to.equal(null);
      expect(ntkMeanBias(...a), `blocked, c = ${c}`).to.equal(null);
    }
    // N K (K + (T+1) L) > 3e9 with N = 2000, K = 1300 before any moment is accumulated
    const big = synthetic(2000, 1, 1300, 1, 6);
    expect(ntkMeanBiasReference(...big)).to.equal(null);
    expect(ntkMeanBias(...big)).to.equal(null);
  });

  it('flowDivided2 without the sorted copy equals the sorted formulation, ties and near-ties included', () => {
    const u = uniforms(7, 3000);
    const pick = (i: number) => {
      // a few exact values so ties (and the confluent branch) occur
      const r = u[i];
      return r < 0.2 ? 0 : r < 0.35 ? 1.5 : r < 0.45 ? 1.5 + 5e-5 : 20 * r;
    };
    for (let i = 0; i < 3000; i += 3) {
      const [x, y, z] = [pick(i), pick(i + 1), pick(i + 2)];
      expect(flowDivided2(x, y, z), `${x} ${y} ${z}`).to.equal(flowDivided2Reference(x, y, z));
    }
  });
});

// The empirical NTK of an mlp network (runtime/models/mlp/ntk-empirical.ts) against Jacobian
// products by central differences of the float64 reference network, and its approach to the
// analytic infinite-width NTK (ntk-analytic.ts) as the width grows.
import { expect } from 'chai';
import { selectBackend } from '../../runtime/backend.js';
import { deriveSeed, normals, uniforms } from '../../runtime/rng.js';
import type { MlpArch } from '../../runtime/models/mlp/config.js';
import { inputs } from '../../runtime/models/mlp/embed.js';
import { initParams } from '../../runtime/models/mlp/network.js';
import { empiricalNtk } from '../../runtime/models/mlp/ntk-empirical.js';
import { analyticNtk } from '../../runtime/models/mlp/ntk-analytic.js';
import { forward64, smallArch } from './mlp-reference.js';
import { vp } from './setup.js';

const arch = (over: Partial<MlpArch> = {}): MlpArch => smallArch(6, over);

const n = 4;
const x = normals(31, n * 2);
const t = uniforms(32, n).map((u) => 0.05 + 0.95 * u);

describe('mlp models: empirical and analytic NTK', function () {
  this.timeout(60000);
  before(async () => {
    await selectBackend('wasm');
  });

  for (const activation of ['relu', 'gelu'] as const)
    for (const output of [0, 1])
      it(`equals finite-difference Jacobian products J(z) . J(z') (${activation}, output ${output})`, () => {
        const a = arch({ activation });
        const p = initParams(a, 7);
        const theta = empiricalNtk(a, p, vp, x, t, n, x, t, n, output);
        // J[i][q] = d f_output(z_i) / d param_q by central differences (h = 1e-5) in float64.
        const e = a.dim + a.embed;
        const u = inputs(a, vp, x, t, n);
        const q = { W: p.W.map((w) => Float64Array.from(w)), b: p.b.map((v) => Float64Array.from(v)) };
        const J: number[][] = Array.from({ length: n }, () => []);
        const h = 1e-5;
        for (const arr of [...q.W, ...q.b])
          for (let k = 0; k < arr.length; k++) {
            const v = arr[k];
            arr[k] = v + h;
            const up = Array.from({ length: n }, (_, i) => forward64(a, q, u.subarray(i * e, (i + 1) * e))[output]);
            arr[k] = v - h;
            const dn = Array.from({ length: n }, (_, i) => forward64(a, q, u.subarray(i * e, (i + 1) * e))[output]);
            arr[k] = v;
            for (let i = 0; i < n; i++) J[i].push((up[i] - dn[i]) / (2 * h));
          }
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const ref = J[i].reduce((s, g, k) => s + g * J[j][k], 0);
            worst = Math.max(worst, Math.abs(theta[i * n + j] - ref));
            scale = Math.max(scale, Math.abs(ref));
          }
        expect(scale).to.be.greaterThan(0.1);
        // float32 Grams of O(width) terms against float64 differences: relative 1e-4.
        expect(worst / scale).to.be.below(1e-4);
      });

  it('approaches the analytic infinite-width NTK as the width grows, at about 1/sqrt(width)', () => {
    // At initialization the empirical NTK is an average over width units: its relative error
    // against the limit falls like width^(-1/2) (Jacot et al. 2018; the fluctuations of each
    // layer's Gram). Measured: the RMS relative error over the 4 x 4 pairs, averaged over 8 seeds
    // (0.32, 0.15, 0.11, 0.039 at widths 16, 64, 256, 1024: fitted slope about -0.5; single 4x steps
    // are not always monotone at this seed count, so the test fits the slope over all four).
    const SEEDS = 8;
    const widths = [16, 64, 256, 1024];
    const a0 = arch({ depth: 2 });
    const limit = analyticNtk(a0, vp, x, t, n, x, t, n);
    const err = widths.map((width) => {
      let total = 0;
      for (let s = 0; s < SEEDS; s++) {
        const a = { ...a0, width };
        const th = empiricalNtk(a, initParams(a, deriveSeed(99, width, s)), vp, x, t, n, x, t, n);
        let se = 0;
        let sl = 0;
        for (let k = 0; k < n * n; k++) {
          se += (th[k] - limit[k]) ** 2;
          sl += limit[k] ** 2;
        }
        total += Math.sqrt(se / sl) / SEEDS;
      }
      return total;
    });
    // Over 64x the width: at least a factor 4 (expected 8); within 10% of the limit at width 1024.
    expect(err[3]).to.be.below(err[0] / 4);
    expect(err[3]).to.be.below(0.1);
    // The slope of log error against log width is about -1/2.
    const lw = widths.map(Math.log);
    const le = err.map(Math.log);
    const mw = lw.reduce((q, v) => q + v, 0) / 4;
    const me = le.reduce((q, v) => q + v, 0) / 4;
    const slope = lw.reduce((q, v, k) => q + (v - mw) * (le[k] - me), 0) / lw.reduce((q, v) => q + (v - mw) ** 2, 0);
    expect(slope).to.be.within(-0.8, -0.3);
  });
});

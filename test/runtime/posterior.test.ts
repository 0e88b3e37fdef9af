import { expect } from 'chai';
import { Matrix, inverse } from 'ml-matrix';
import type { IrForward, IrTimeExpr } from '../../compiler/ir/types.js';
import { makeSchedule } from '../../runtime/schedule.js';
import { posterior, type PointSet } from '../../runtime/posterior.js';

const t: IrTimeExpr = { op: 't' };
const one: IrTimeExpr = { op: 'const', value: 1 };
const fig1 = makeSchedule({
  kind: 'forward',
  name: 'f',
  T: 0.99,
  process: 'alpha_sigma',
  alpha: { op: 'sqrt', args: [{ op: 'sub', args: [one, t] }] },
  sigma2: t,
});
const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });

function set(points: number[][], weights?: number[]): PointSet {
  return {
    points: Float64Array.from(points.flat()),
    weights: Float64Array.from(weights ?? points.map(() => 1 / points.length)),
    M: points.length,
    dim: points[0].length,
  };
}

describe('runtime/posterior', () => {
  it('one training point gives C = 0 everywhere', () => {
    // Sigma_0 is accumulated around the posterior mean, so with one point every deviation is
    // exactly 0: the check is exact, not approximate.
    const d = set([[0.3, -0.7]]);
    const x = Float64Array.from({ length: 2 * 500 }, (_, i) => Math.sin(i * 1.7) * 3);
    for (const tt of [1e-4, 0.05, 0.5, 0.98]) {
      const out = posterior(d, fig1, tt, x, ['C', 'trC', 'ratio']);
      expect(out.C!.every((v) => v === 0)).to.equal(true);
      expect(out.ratio!.every((v) => v === 0)).to.equal(true);
    }
  });

  it('the Fig. 1 ratio and C between two points match docs/theory.md 3.3', () => {
    // Two points at +-1 on the x axis. On the line x = 0 the weights are 1/2 each, mu_bar = 0,
    // Sigma_0 = diag(1, 0): C = alpha^2 (Delta mu)^2 / (4 sigma^4) in the x direction, and at
    // (0, y) the score is -(0, y)/sigma^2, so the ratio is alpha^2 / (alpha^2 + y^2).
    // Float64 arithmetic: relative tolerance 1e-12.
    const d = set([
      [-1, 0],
      [1, 0],
    ]);
    for (const tt of [0.05, 0.1, 0.2, 0.5, 0.75]) {
      const ys = [0, 0.1, 0.5, 1.3];
      const x = Float64Array.from(ys.flatMap((y) => [0, y]));
      const out = posterior(d, fig1, tt, x, ['C', 'ratio']);
      const a2 = 1 - tt;
      ys.forEach((y, i) => {
        expect(out.C![i * 4]).to.be.closeTo((a2 * 4) / (4 * tt * tt), 1e-12 * (a2 / (tt * tt)));
        expect(out.C![i * 4 + 3]).to.equal(0);
        expect(out.ratio![i]).to.be.closeTo(a2 / (a2 + y * y), 1e-12);
      });
    }
  });

  it('a weighted point set approximating one Gaussian has its exact linear score and constant C', () => {
    // Data N(m, v) discretized by 60-node Gauss-Hermite quadrature (points m + sqrt(2v) z_k,
    // weights w_k/sqrt(pi)): p(x | t) then integrates the smooth kernel N(x; alpha x0, sigma^2)
    // against the Gaussian, which Gauss-Hermite does to near machine precision when sigma/alpha is
    // not small against the node spacing (t >= 0.05 here). Exact answers for Gaussian data:
    // s = -(x - alpha m)/(alpha^2 v + sigma^2), C = alpha^2 v / (sigma^2 (alpha^2 v + sigma^2)).
    // Tolerance: relative 1e-6 (quadrature error, measured ~1e-9, with margin).
    const { nodes, weights } = gaussHermite(60);
    const m = 0.4;
    const v = 0.09;
    const d = set(
      nodes.map((z) => [m + Math.sqrt(2 * v) * z]),
      weights.map((w) => w / Math.sqrt(Math.PI)),
    );
    const x = Float64Array.from([-1.2, -0.3, 0, 0.4, 0.9, 1.7]);
    for (const tt of [0.05, 0.3, 0.9]) {
      const a = vp.alpha(tt);
      const s2 = vp.s2(tt);
      const out = posterior(d, vp, tt, x, ['score', 'C']);
      x.forEach((xi, i) => {
        const s = -(xi - a * m) / (a * a * v + s2);
        expect(out.score![i]).to.be.closeTo(s, 1e-6 * Math.max(1, Math.abs(s)));
        const C = (a * a * v) / (s2 * (a * a * v + s2));
        expect(out.C![i]).to.be.closeTo(C, 1e-6 * C);
      });
    }
  });

  it('anisotropic S_t: weights and score match a direct matrix computation, and C = S^-1 + Hess log p', () => {
    // Direct path: ml-matrix inverse of S_t and explicit quadratic forms; C is checked against
    // the Hessian of log p by central differences of the score (step 1e-5: truncation ~1e-10,
    // rounding ~1e-11 relative to |s|/h), so a relative tolerance of 1e-5 on C.
    const fwd: IrForward = {
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: [
        [1, 0.6],
        [0.6, 0.5],
      ],
      diffusion_time: 'constant',
    };
    const s = makeSchedule(fwd);
    const d = set(
      [
        [1, 0],
        [0, 1],
        [-1, 0.3],
        [0.2, -0.8],
      ],
      [0.1, 0.2, 0.3, 0.4],
    );
    const tt = 0.15;
    const a = s.alpha(tt);
    const Sinv = inverse(new Matrix(s.S(tt, 2)));
    const x = Float64Array.from([0.3, 0.2, -0.5, 0.9, 1.2, -0.4]);
    const out = posterior(d, s, tt, x, ['weights', 'score', 'C']);
    for (let i = 0; i < 3; i++) {
      const xi = [x[2 * i], x[2 * i + 1]];
      const logits = [0, 1, 2, 3].map((m) => {
        const r = new Matrix([[xi[0] - a * d.points[2 * m], xi[1] - a * d.points[2 * m + 1]]]);
        return Math.log(d.weights[m]) - 0.5 * r.mmul(Sinv).mmul(r.transpose()).get(0, 0);
      });
      const mx = Math.max(...logits);
      const z = logits.reduce((p, l) => p + Math.exp(l - mx), 0);
      logits.forEach((l, m) => expect(out.weights![i * 4 + m]).to.be.closeTo(Math.exp(l - mx) / z, 1e-12));
      const h = 1e-5;
      for (let b = 0; b < 2; b++) {
        const xp = Float64Array.from(xi);
        const xm = Float64Array.from(xi);
        xp[b] += h;
        xm[b] -= h;
        const sp = posterior(d, s, tt, xp, ['score']).score!;
        const sm = posterior(d, s, tt, xm, ['score']).score!;
        for (let c = 0; c < 2; c++) {
          const hess = (sp[c] - sm[c]) / (2 * h);
          const expected = Sinv.get(c, b) + hess;
          expect(out.C![i * 4 + c * 2 + b]).to.be.closeTo(expected, 1e-5 * Sinv.get(0, 0));
        }
      }
    }
  });

  it('the score-only fast path agrees with the general loop', () => {
    // Same formulas, different summation order (normalize-then-sum vs sum-then-normalize):
    // agreement to float64 rounding, 1e-12 relative to the score scale 1/s2.
    const d = set(
      [
        [1, 0],
        [0, 1],
        [-1, 0.3],
      ],
      [0.2, 0.3, 0.5],
    );
    const x = Float64Array.from({ length: 400 }, (_, i) => Math.cos(i * 0.77) * 1.5);
    for (const tt of [1e-3, 0.1, 0.9]) {
      const fast = posterior(d, vp, tt, x, ['score']).score!;
      const general = posterior(d, vp, tt, x, ['score', 'mean']).score!;
      fast.forEach((v, i) => expect(v).to.be.closeTo(general[i], 1e-12 / vp.s2(tt)));
    }
  });

  it('keeps boundary weights exact at tiny t (float64 log-sum-exp)', () => {
    // At t = 1e-4 (S_t ~ 2e-5) just off the midpoint of {-1, 1}: the weight ratio is
    // exp(2 alpha x / s2), a logit difference of order 1 from distances of order 1/s2 ~ 5e4, which
    // float32 would get wrong by ~1e-2. Tolerance 1e-9 (float64 rounding of 5e4-sized logits).
    const d = set([[-1], [1]]);
    const tt = 1e-4;
    const a = vp.alpha(tt);
    const s2 = vp.s2(tt);
    const x = Float64Array.from([3e-6, -5e-6, 1e-5]);
    const w = posterior(d, vp, tt, x, ['weights']).weights!;
    x.forEach((xi, i) => expect(w[2 * i + 1]).to.be.closeTo(1 / (1 + Math.exp((-2 * a * xi) / s2)), 1e-9));
  });
});

/** Gauss-Hermite nodes and weights (weight exp(-z^2)) by Newton iteration on H_n. */
function gaussHermite(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  let z = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2 * z - nodes[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = Math.PI ** -0.25;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    nodes.push(z);
    weights.push(2 / (pp * pp));
  }
  return { nodes, weights };
}

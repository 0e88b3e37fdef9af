import { expect } from 'chai';
import { Matrix, solve } from 'ml-matrix';
import { ridgeFit } from '../../runtime/models/linear.js';
import { normals, uniforms } from '../../runtime/rng.js';

function problem(P: number, F: number, D: number) {
  const Phi = normals(11, P * F);
  const lambda = uniforms(12, P).map((u) => 0.1 + 5 * u);
  const Y = normals(13, P * D);
  return { Phi, lambda, Y };
}

/** Direct solve of the normal equations (Phi^T L Phi / P + gamma I) W^T = Phi^T L Y / P. */
function direct(
  Phi: Float64Array,
  lambda: Float64Array,
  Y: Float64Array,
  P: number,
  F: number,
  D: number,
  gamma: number,
) {
  const A = new Matrix(F, F);
  const B = new Matrix(F, D);
  for (let a = 0; a < F; a++) {
    for (let b = 0; b < F; b++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += lambda[i] * Phi[i * F + a] * Phi[i * F + b];
      A.set(a, b, s / P + (a === b ? gamma : 0));
    }
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let i = 0; i < P; i++) s += lambda[i] * Phi[i * F + a] * Y[i * D + d];
      B.set(a, d, s / P);
    }
  }
  return solve(A, B); // LU with pivoting: an independent method
}

describe('runtime linear ridge fit', () => {
  it('closed form (primal Cholesky) equals a direct LU solve', () => {
    const [P, F, D, g] = [60, 12, 2, 0.1];
    const { Phi, lambda, Y } = problem(P, F, D);
    const W = ridgeFit(Phi, P, F, lambda, Y, D, g, { form: 'primal' });
    const ref = direct(Phi, lambda, Y, P, F, D, g);
    // Well-conditioned 12 x 12 system: two float64 methods agree to ~1e-13; allow 1e-10.
    for (let a = 0; a < F; a++) for (let d = 0; d < D; d++) expect(W[d * F + a]).to.be.closeTo(ref.get(a, d), 1e-10);
  });

  it('dual (Woodbury) form equals the primal form when F > P', () => {
    const [P, F, D, g] = [20, 50, 2, 0.1];
    const { Phi, lambda, Y } = problem(P, F, D);
    const Wp = ridgeFit(Phi, P, F, lambda, Y, D, g, { form: 'primal' });
    const Wd = ridgeFit(Phi, P, F, lambda, Y, D, g, { form: 'dual' });
    // Same minimizer by the push-through identity; condition numbers ~1e3 -> 1e-10 is generous.
    for (let i = 0; i < F * D; i++) expect(Wd[i]).to.be.closeTo(Wp[i], 1e-10);
  });

  it('refuses a ridgeless solve with fewer samples than features', () => {
    const [P, F, D] = [5, 12, 1];
    const { Phi, lambda, Y } = problem(P, F, D);
    expect(() => ridgeFit(Phi, P, F, lambda, Y, D, 0, { form: 'dual' })).to.not.throw();
    expect(() => ridgeFit(Phi, P, F, lambda, Y, D, 0, { form: 'primal' })).to.throw(/ridge/);
  });
});

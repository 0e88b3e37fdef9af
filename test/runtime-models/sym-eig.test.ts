import { expect } from 'chai';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symEig } from '../../runtime/linalg/sym-eig.js';
import { embed, ntkTheta } from '../../runtime/models/ntk.js';
import { normals, uniforms } from '../../runtime/rng.js';

// runtime/linalg/sym-eig.ts against closed forms, matrices built with a known spectrum, and
// ml-matrix's EigenvalueDecomposition (an independent implementation) on eigenvalues.
// Tolerances follow the backward error of Householder + QL, O(n eps ||A||): with
// tol = max(n, 16) eps ||A||_2 (the floor covers the rounding of the residual's own sums at small n)
// we require every residual |A v - lambda v|_2 <= tol, every eigenvalue within tol of the true one
// (Weyl), |V^T V - I|_max <= max(n, 16) eps, and eigenvalues within 2 tol of ml-matrix's. Measured:
// residuals at most 0.15 tol from n = 80 up, orthogonality at most 0.3 of its bound.

const EPS = Number.EPSILON;

/** Checks the contract on A [n, n]; returns the decomposition and ||A||_2 = max |lambda|. */
function checked(A: Float64Array, n: number) {
  const { values, vectors } = symEig(A, n);
  expect(values.length).to.equal(n);
  expect(vectors.length).to.equal(n * n);
  for (let k = 1; k < n; k++) expect(values[k], 'ascending').to.be.at.least(values[k - 1]);
  const norm = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
  const tol = Math.max(n, 16) * EPS * norm;
  for (let k = 0; k < n; k++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * vectors[j * n + k];
      r2 += (s - values[k] * vectors[i * n + k]) ** 2;
    }
    expect(Math.sqrt(r2), `residual of pair ${k} (tol ${tol})`).to.be.at.most(tol);
  }
  let orth = 0;
  for (let k = 0; k < n; k++)
    for (let l = k; l < n; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += vectors[i * n + k] * vectors[i * n + l];
      orth = Math.max(orth, Math.abs(s - (k === l ? 1 : 0)));
    }
  expect(orth, '|V^T V - I|_max').to.be.at.most(Math.max(n, 16) * EPS);
  return { values, vectors, norm, tol };
}

/** A random orthogonal [n, n]: the product of n Householder reflectors with Gaussian vectors. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const g = normals(seed, n * n);
  for (let h = 0; h < n; h++) {
    const v = g.subarray(h * n, (h + 1) * n);
    const vv = v.reduce((a, x) => a + x * x, 0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Q[i * n + j] * v[j];
      s *= 2 / vv;
      for (let j = 0; j < n; j++) Q[i * n + j] -= s * v[j];
    }
  }
  return Q;
}

/** Q diag(lambda) Q^T. */
function withSpectrum(Q: Float64Array, lambda: number[]): Float64Array {
  const n = lambda.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k] * lambda[k] * Q[j * n + k];
      A[i * n + j] = s;
    }
  // exactly symmetric, as the runtime's kernel matrices are
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i];
  return A;
}

function mlMatrixValues(A: Float64Array, n: number): Float64Array {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, A[i * n + j]);
  return Float64Array.from(new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues);
}

/** The NTK Gram of models/ntk.ts fitNtk: sqrt(lambda_i lambda_j) Theta(z_i, z_j) on embedded (x, t). */
function ntkGram(x: Float64Array, t: Float64Array, lambda: Float64Array, depth: number): Float64Array {
  const n = t.length;
  const e = 3;
  const Z = new Float64Array(n * e);
  for (let i = 0; i < n; i++) embed(x, t[i], 1, [1e-2, 1], Z, i * e, i);
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const k = Math.sqrt(lambda[i] * lambda[j]) * ntkTheta(Z, i * e, Z, j * e, e, depth);
      K[i * n + j] = k;
      K[j * n + i] = k;
    }
  return K;
}

describe('symmetric eigendecomposition (linalg/sym-eig.ts)', function () {
  this.timeout(120000);

  it('n = 0 and n = 1', () => {
    expect(symEig(new Float64Array(0), 0).values.length).to.equal(0);
    const { values, vectors } = symEig(Float64Array.of(-2.5), 1);
    expect(Array.from(values)).to.deep.equal([-2.5]);
    expect(Math.abs(vectors[0])).to.equal(1);
  });

  it('a diagonal matrix: its entries sorted, and unit basis vectors', () => {
    const diag = [3, -1, 2, 0, -1e-3, 7, 2.5];
    const n = diag.length;
    const A = new Float64Array(n * n);
    diag.forEach((x, i) => (A[i * n + i] = x));
    const { values, vectors } = checked(A, n);
    const order = diag.map((_, i) => i).sort((a, b) => diag[a] - diag[b]);
    expect(Array.from(values)).to.deep.equal(order.map((i) => diag[i]));
    order.forEach((i, k) => expect(Math.abs(vectors[i * n + k]), `column ${k} is e_${i}`).to.equal(1));
  });

  it('2 x 2: lambda = (a + c)/2 -+ sqrt(((a - c)/2)^2 + b^2), eigenvector along (b, lambda - a)', () => {
    for (const [a, b, c] of [
      [2, 1, -1],
      [1, 1e-9, 1],
      [-3, 4, 5],
    ]) {
      const { values, vectors, norm } = checked(Float64Array.of(a, b, b, c), 2);
      const r = Math.hypot((a - c) / 2, b);
      const want = [(a + c) / 2 - r, (a + c) / 2 + r];
      for (let k = 0; k < 2; k++) {
        expect(values[k]).to.be.closeTo(want[k], 4 * EPS * norm);
        const u = [b, want[k] - a];
        const cos = (u[0] * vectors[k] + u[1] * vectors[2 + k]) / Math.hypot(u[0], u[1]);
        expect(Math.abs(cos), `eigenvector ${k} of [[${a}, ${b}], [${b}, ${c}]]`).to.be.closeTo(1, 4 * EPS);
      }
    }
  });

  it('Q diag(lambda) Q^T with a random orthogonal Q (n = 80 and 200): the given spectrum', () => {
    for (const [n, seed] of [
      [80, 1],
      [200, 2],
    ]) {
      const lambda = Array.from(normals(seed + 10, n)).map((z) => 3 * z);
      const { values, tol } = checked(withSpectrum(randomOrthogonal(n, seed), lambda), n);
      const sorted = [...lambda].sort((x, y) => x - y);
      for (let k = 0; k < n; k++) expect(values[k], `n ${n} eigenvalue ${k}`).to.be.closeTo(sorted[k], tol);
    }
  });

  it('repeated eigenvalues: the values, and the eigenspace of a 5-fold one (its projector Q_S Q_S^T)', () => {
    const lambda = [3, 3, 3, 3, 3, -1, -1, -1, -1, 0.5, 0.5, 0.5, 0, 0, 1, 2, -2, 4, 5, -4];
    const n = lambda.length;
    const Q = randomOrthogonal(n, 3);
    const { values, vectors, tol } = checked(withSpectrum(Q, lambda), n);
    const sorted = [...lambda].sort((x, y) => x - y);
    for (let k = 0; k < n; k++) expect(values[k]).to.be.closeTo(sorted[k], tol);
    // the gap from eigenvalue 3 to its neighbours (2 and 4) is 1, so the computed projector is
    // within about tol / gap of the true one (Davis-Kahan)
    const gap = 1;
    const cols = sorted.map((l, k) => (l === 3 ? k : -1)).filter((k) => k >= 0);
    expect(cols.length).to.equal(5);
    const S = lambda.map((l, k) => (l === 3 ? k : -1)).filter((k) => k >= 0);
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let got = 0;
        for (const c of cols) got += vectors[i * n + c] * vectors[j * n + c];
        let want = 0;
        for (const k of S) want += Q[i * n + k] * Q[j * n + k];
        err = Math.max(err, Math.abs(got - want));
      }
    expect(err, 'projector onto the 5-fold eigenspace').to.be.at.most((4 * tol) / gap);
  });

  it('a rank-deficient PSD NTK Gram (each design point twice): no eigenvalue below -tol, and v_i = v_j on the duplicates for the nonzero ones', () => {
    const m = 70;
    const u = uniforms(4, 2 * m);
    const x = new Float64Array(2 * m);
    const t = new Float64Array(2 * m);
    const lambda = new Float64Array(2 * m);
    for (let i = 0; i < m; i++)
      for (const r of [i, i + m]) {
        x[r] = 3 * u[i] - 1.5;
        t[r] = 0.01 * 100 ** u[m + i];
        lambda[r] = 1 / t[r];
      }
    const n = 2 * m;
    const A = ntkGram(x, t, lambda, 1);
    const { values, vectors, tol } = checked(A, n);
    // rows i and i + m are equal, so e_i - e_{i+m} spans an m-dimensional null space
    for (let k = 0; k < m; k++) expect(Math.abs(values[k]), `null eigenvalue ${k}`).to.be.at.most(tol);
    expect(values[m], 'the m-th smallest is nonzero').to.be.above(tol);
    for (let k = 0; k < n; k++) {
      if (!(values[k] > 1e-6 * values[n - 1])) continue;
      // A v = lambda v with (e_i - e_{i+m})^T A = 0: |v_i - v_{i+m}| <= |residual| / lambda
      for (let i = 0; i < m; i++)
        expect(Math.abs(vectors[i * n + k] - vectors[(i + m) * n + k]), `pair ${k}, point ${i}`).to.be.at.most(
          (2 * tol) / values[k],
        );
    }
  });

  it('agrees with ml-matrix on the eigenvalues: NTK Grams (depth 1 and 2, n = 300) and a Gaussian symmetric matrix', () => {
    const n = 300;
    const u = uniforms(5, 2 * n);
    const x = Float64Array.from({ length: n }, (_, i) => 3 * u[i] - 1.5);
    const t = Float64Array.from({ length: n }, (_, i) => 0.01 * 100 ** u[n + i]);
    const lambda = Float64Array.from(t, (ti) => 1 / ti);
    const g = normals(6, 150 * 150);
    const sym = Float64Array.from(g, (_, i) => {
      const [r, c] = [Math.floor(i / 150), i % 150];
      return r <= c ? g[i] : g[c * 150 + r];
    });
    for (const [A, size, label] of [
      [ntkGram(x, t, lambda, 1), n, 'NTK depth 1'],
      [ntkGram(x, t, lambda, 2), n, 'NTK depth 2'],
      [sym, 150, 'Gaussian'],
    ] as const) {
      const { values, tol } = checked(A, size);
      const ml = mlMatrixValues(A, size);
      for (let k = 0; k < size; k++) expect(values[k], `${label} eigenvalue ${k}`).to.be.closeTo(ml[k], 2 * tol);
    }
  });

  it('graded tridiagonal matrices, large end first and last (both orientations of the QL phase), against ml-matrix', () => {
    // Already tridiagonal, so the reduction leaves the diagonal as it is and the QL phase starts
    // from the small end in one case and from the large end in the other.
    const n = 120;
    const u = uniforms(9, n);
    for (const dir of [1, -1]) {
      const d = Array.from({ length: n }, (_, i) => (1 + u[i]) * 10 ** ((-6 * (dir > 0 ? i : n - 1 - i)) / (n - 1)));
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        A[i * n + i] = d[i];
        if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = 0.4 * Math.sqrt(d[i] * d[i + 1]);
      }
      const { values, tol } = checked(A, n);
      const ml = mlMatrixValues(A, n);
      for (let k = 0; k < n; k++) expect(values[k], `direction ${dir}, eigenvalue ${k}`).to.be.closeTo(ml[k], 2 * tol);
    }
  });

  it('reads only the upper triangle, leaves A unchanged, and is exact under scaling by powers of two', () => {
    const n = 40;
    const A = withSpectrum(randomOrthogonal(n, 7), Array.from(normals(8, n)));
    const ref = symEig(A, n);
    const upper = Float64Array.from(A);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) upper[i * n + j] = NaN;
    const copy = Float64Array.from(upper);
    const got = symEig(upper, n);
    expect(Array.from(got.values)).to.deep.equal(Array.from(ref.values));
    expect(Array.from(got.vectors)).to.deep.equal(Array.from(ref.vectors));
    expect(
      upper.every((v, i) => Object.is(v, copy[i])),
      'input unchanged',
    ).to.equal(true);
    // 2^-1000 and 2^1000: entries whose squares and pairwise products underflow or overflow
    for (const p of [-1000, 1000]) {
      const s = 2 ** p;
      const scaled = symEig(
        A.map((v) => v * s),
        n,
      );
      expect(Array.from(scaled.values)).to.deep.equal(Array.from(ref.values, (v) => v * s));
      expect(Array.from(scaled.vectors)).to.deep.equal(Array.from(ref.vectors));
    }
  });

  it('a zero matrix gives zeros and the identity; a non-finite entry is an error', () => {
    const { values, vectors } = symEig(new Float64Array(9), 3);
    expect(Array.from(values)).to.deep.equal([0, 0, 0]);
    expect(Array.from(vectors)).to.deep.equal([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => symEig(Float64Array.of(1, NaN, NaN, 1), 2)).to.throw(/non-finite/);
  });
});

// The WebAssembly SIMD Cholesky factor and SPD inverse (runtime/linalg/wasm) against the JS loops
// of linalg/cholesky.ts and linalg/spd-inverse.ts, and the routing through those two.
//
// Tolerances: both versions are backward stable, so each factor's error relative to max |L| is
// about n eps cond(A) and the two differ by at most twice that; the same bound holds for
// X A - I with X an inverse. cond(A) is bounded from above by ||A||_F / delta (A = B B^T / n +
// delta I, so lambda_min >= delta and lambda_max <= ||A||_F), which keeps the bound honest for
// every size without an eigensolver. L L^T - A is bounded by (n + 1) eps max_i A_ii entrywise
// (|L| |L|^T <= max A_ii); a factor of 3 covers the check's own sums. Measured errors are
// 1e-16 .. 1e-15 relative, far inside these bounds; a wrong index or block is O(1).
import { expect } from 'chai';
import { choleskyInPlace } from '../../runtime/linalg/cholesky.js';
import { inverseFromCholesky } from '../../runtime/linalg/spd-inverse.js';
import {
  choleskyWasm,
  dualGramWasm,
  inverseWasm,
  linalgSimdCalls,
  linalgSimdEnabled,
  setLinalgSimd,
  sparseNormalWasm,
} from '../../runtime/linalg/wasm/simd.js';
import { LINALG_WASM_BASE64 } from '../../runtime/linalg/wasm/linalg-bytes.js';
import { assembleModule } from '../../scripts/wasm-build.js';
import { normals, uniforms } from '../../runtime/rng.js';

const EPS = 2 ** -52;
/** The switch as the environment sets it (GTV_SIMD=0: JS loops by default). */
const SIMD_DEFAULT = process.env.GTV_SIMD !== '0';

/** A = B B^T / n + delta I (B standard normal, seeded) and the bound ||A||_F / delta on cond(A). */
function spd(n: number, seed: number, delta = 1): { A: Float64Array; cond: number } {
  const B = normals(seed, n * n);
  const A = new Float64Array(n * n);
  let fro = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      s = s / n + (i === j ? delta : 0);
      A[i * n + j] = s;
      A[j * n + i] = s;
      fro += (i === j ? 1 : 2) * s * s;
    }
  return { A, cond: Math.sqrt(fro) / delta };
}

/** The JS loops, whatever the switch says. */
function jsPath<T>(f: () => T): T {
  setLinalgSimd(false);
  try {
    return f();
  } finally {
    setLinalgSimd(SIMD_DEFAULT);
  }
}

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

function lowerOf(a: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = a[i * n + j];
  return L;
}

describe('runtime/linalg/wasm: SIMD Cholesky and SPD inverse', function () {
  this.timeout(60_000);
  // 2 and 3 and 7 exercise the identity padding to a multiple of 4; 64/65 and 257 a block edge.
  const sizes = [1, 2, 3, 7, 17, 64, 65, 257, 500];
  const cases: [number, number][] = sizes.map((n) => [n, 1]);
  cases.push([65, 1e-6]); // cond up to ~1e7: the bound scales with it

  it('has WebAssembly SIMD on this runtime, and linalg-bytes.ts is linalg.wat assembled', async () => {
    expect(linalgSimdEnabled()).to.equal(SIMD_DEFAULT);
    const built = await assembleModule('linalg');
    expect(Buffer.from(built).equals(Buffer.from(LINALG_WASM_BASE64, 'base64'))).to.equal(true);
  });

  for (const [n, delta] of cases) {
    it(`n = ${n}${delta !== 1 ? ` (delta ${delta})` : ''}: factor matches the JS factor, L L^T = A, inverse times A = I`, () => {
      const { A, cond } = spd(n, 100 + n, delta);
      const js = A.slice();
      expect(jsPath(() => choleskyInPlace(js, n))).to.equal(true);
      const wa = A.slice();
      expect(choleskyWasm(wa, n)).to.equal(true);
      // the upper triangle is left as it was (same contract as the JS loops)
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(wa[i * n + j]).to.equal(A[i * n + j]);
      const Lw = lowerOf(wa, n);
      const Lj = lowerOf(js, n);
      const diff = Lw.map((x, i) => x - Lj[i]);
      expect(maxAbs(diff) / maxAbs(Lj), 'factor vs JS').to.be.at.most(2 * n * EPS * cond);

      let worst = 0;
      let diag = 0;
      for (let i = 0; i < n; i++) diag = Math.max(diag, A[i * n + i]);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k <= j; k++) s += Lw[i * n + k] * Lw[j * n + k];
          worst = Math.max(worst, Math.abs(s - A[i * n + j]));
        }
      expect(worst / diag, 'L L^T - A').to.be.at.most(3 * (n + 1) * EPS);

      // the inverse from the factor (upper triangle of the input holds A: it must be ignored)
      const Xw = inverseWasm(wa, n);
      const Xj = jsPath(() => inverseFromCholesky(Lj, n));
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(Xw[i * n + j]).to.equal(Xw[j * n + i]);
      const dX = Xw.map((x, i) => x - Xj[i]);
      expect(maxAbs(dX) / maxAbs(Xj), 'inverse vs JS').to.be.at.most(2 * n * EPS * cond);
      let off = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += Xw[i * n + k] * A[k * n + j];
          off = Math.max(off, Math.abs(s - (i === j ? 1 : 0)));
        }
      expect(off, 'X A - I').to.be.at.most(2 * n * EPS * cond);
    });
  }

  it('reports a negative or an exactly zero pivot late in the factor as the JS loops do', () => {
    // A = L0 L0^T with L0 unit lower triangular and entries in {-1, 0, 1}: every step of the
    // factor is exact integer arithmetic, so pivot p is exactly 0 when L0[p, p] = 0 (and exactly
    // -1 after subtracting 1 from A[p, p] as well); every pivot before p is exactly 1.
    const n = 45;
    const u = normals(7, n * n);
    for (const p of [0, 3, 40, 44]) {
      for (const extra of [0, 1]) {
        const L0 = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < i; j++) L0[i * n + j] = Math.sign(Math.round(u[i * n + j]));
          L0[i * n + i] = i === p ? 0 : 1;
        }
        const A = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += L0[i * n + k] * L0[j * n + k];
            A[i * n + j] = s;
          }
        A[p * n + p] -= extra;
        expect(
          jsPath(() => choleskyInPlace(A.slice(), n)),
          `JS, pivot ${p}`,
        ).to.equal(false);
        expect(choleskyWasm(A.slice(), n), `wasm, pivot ${p}`).to.equal(false);
        // the same matrix with the pivot restored factors in both
        A[p * n + p] += extra + 1;
        expect(jsPath(() => choleskyInPlace(A.slice(), n))).to.equal(true);
        expect(choleskyWasm(A.slice(), n)).to.equal(true);
      }
    }
  });

  it('reports an indefinite matrix and a NaN entry as failures', () => {
    for (const n of [2, 5, 40]) {
      const { A } = spd(n, 9);
      const neg = A.map((x) => -x);
      expect(jsPath(() => choleskyInPlace(neg.slice(), n))).to.equal(false);
      expect(choleskyWasm(neg.slice(), n)).to.equal(false);
      const nan = A.slice();
      nan[(n - 1) * n] = NaN;
      nan[n - 1] = NaN;
      expect(jsPath(() => choleskyInPlace(nan.slice(), n))).to.equal(false);
      expect(choleskyWasm(nan.slice(), n)).to.equal(false);
    }
  });

  it('gives the same bytes again after other sizes have used the memory', () => {
    const big = spd(130, 3).A;
    const first = big.slice();
    choleskyWasm(first, 130);
    const firstInv = inverseWasm(first, 130);
    choleskyWasm(spd(257, 4).A, 257);
    choleskyWasm(
      spd(9, 5).A.map((x) => -x),
      9,
    );
    inverseWasm(spd(21, 6).A, 21);
    const again = big.slice();
    choleskyWasm(again, 130);
    expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).to.equal(true);
    expect(Buffer.from(inverseWasm(again, 130).buffer).equals(Buffer.from(firstInv.buffer))).to.equal(true);
  });

  it('routes choleskyInPlace and inverseFromCholesky through wasm from n = 32 / 16, unless switched off', () => {
    const { A } = spd(64, 11);
    const run = (n: number) => {
      const a = A.slice(0, n * n);
      // the leading n x n block of an SPD matrix, taken with stride n
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = A[i * 64 + j];
      const before = linalgSimdCalls();
      expect(choleskyInPlace(a, n)).to.equal(true);
      const afterFactor = linalgSimdCalls();
      inverseFromCholesky(a, n);
      return [afterFactor - before, linalgSimdCalls() - afterFactor];
    };
    const on = SIMD_DEFAULT ? 1 : 0;
    expect(run(64)).to.deep.equal([on, on]);
    expect(run(31)).to.deep.equal([0, on]);
    expect(run(15)).to.deep.equal([0, 0]);
    expect(jsPath(() => run(64))).to.deep.equal([0, 0]);
    setLinalgSimd(true);
    try {
      expect(run(64)).to.deep.equal([linalgSimdEnabled() ? 1 : 0, linalgSimdEnabled() ? 1 : 0]);
    } finally {
      setLinalgSimd(SIMD_DEFAULT);
    }
  });

  it("sums the primal normal matrix of sparse rows as particles/train.ts primal's JS loop does, bit for bit", function () {
    if (!linalgSimdEnabled()) this.skip(); // GTV_SIMD=0: the module is off
    const F = 40;
    const P = 300;
    const w = 24;
    const u = uniforms(21, P * (w + 1));
    const z = normals(22, P * w);
    const lambda = uniforms(23, P).map((v) => 0.1 + 10 * v);
    const js = new Float64Array(F * F);
    const acc = sparseNormalWasm(F, P, w);
    for (let p = 0; p < P; p++) {
      // 1..w distinct columns in a random order (entries below the diagonal too), and their values
      const nnz = 1 + Math.floor(u[p * (w + 1)] * w);
      const cols = Array.from({ length: F }, (_, c) => c)
        .sort((a, b) => u[p * (w + 1) + 1 + (a % w)] - u[p * (w + 1) + 1 + (b % w)] || a - b)
        .slice(0, nnz);
      const idx = Int32Array.from(cols);
      const val = z.slice(p * w, p * w + nnz);
      acc.row(p, idx, val, nnz);
      for (let a = 0; a < nnz; a++) {
        const va = lambda[p] * val[a];
        for (let b = a; b < nnz; b++) js[idx[a] * F + idx[b]] += va * val[b];
      }
    }
    const got = acc.result(lambda);
    expect(Buffer.from(got.buffer).equals(Buffer.from(js.buffer))).to.equal(true);
    expect(
      js.some((v, i) => v !== 0 && Math.floor(i / F) > i % F),
      'entries below the diagonal occur',
    ).to.equal(true);
  });

  // P = 300 keeps the factor in place (stride P); the others pad rows to a multiple of 4, and odd
  // P leaves the last pair of rows half empty.
  for (const P of [300, 301, 298, 37]) {
    it(`builds and factors the dual Gram as particles/train.ts dual's JS loop and choleskyWasm do, bit for bit (P = ${P})`, function () {
      if (!linalgSimdEnabled()) this.skip(); // GTV_SIMD=0: the module is off
      const ns = [10, 7, 1];
      const acc = dualGramWasm(P, 10);
      const js = new Float64Array(P * P).fill(1);
      ns.forEach((n, f) => {
        // a Gaussian-like row: mostly small, some exact zeros and negatives
        const R = normals(40 + f, P * n).map((z, i) => (i % 5 === 3 ? 0 : z * Math.exp(-z * z)));
        acc.factor(R, n);
        for (let i = 0; i < P; i++)
          for (let k = 0; k <= i; k++) {
            let g = 0;
            for (let c = 0; c < n; c++) g += R[i * n + c] * R[k * n + c];
            js[i * P + k] *= g;
          }
      });
      const lowerRows = (a: Float64Array, stride: number) => {
        const out = new Float64Array((P * (P + 1)) / 2);
        for (let i = 0, o = 0; i < P; i++, o += i) out.set(a.subarray(i * stride, i * stride + i + 1), o);
        return Buffer.from(out.buffer);
      };
      expect(lowerRows(acc.K, acc.stride).equals(lowerRows(js, P)), 'K').to.equal(true);
      // made positive definite as scaleDual does (a diagonal shift), then factored both ways
      for (let i = 0; i < P; i++) {
        acc.K[i * acc.stride + i] += P;
        js[i * P + i] += P;
      }
      expect(acc.cholesky()).to.equal(true);
      expect(choleskyWasm(js, P)).to.equal(true);
      expect(lowerRows(acc.lower(), P).equals(lowerRows(js, P)), 'L').to.equal(true);
    });
  }
});

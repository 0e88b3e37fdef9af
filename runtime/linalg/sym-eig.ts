// Dense symmetric eigendecomposition (float64) on flat row-major arrays: the NTK models' kernel
// matrices (models/ntk.ts, vkernel/ntk.ts, vkernel/ntk-exact.ts).
//
// The textbook route (Golub & Van Loan 8.3; LAPACK dsytd2 + dorgtr + dsteqr; EISPACK tred2 +
// tql2): Householder tridiagonalization A = Q T Q^T, Q formed explicitly, then implicit QL with
// Wilkinson shifts on T, its plane rotations accumulated into Q. Laid out so every inner loop runs
// along rows:
//   - the reduction keeps the upper triangle, where column i below the diagonal is row i right of
//     it, and does the symmetric product and the rank-2 update row by row, four rows at a time;
//   - Q is formed as Q^T, reflectors applied two at a time to four rows at a time;
//   - eigenvectors are accumulated as rows of Z^T (Z = Q S), so a rotation of two columns of Z
//     updates two contiguous rows, and four consecutive rotations share one pass.
// As LAPACK's dsteqr, the QL phase starts from the small end of T (kernel matrices are graded:
// their tridiagonal form runs from ~||A|| down to ~eps ||A||), with tql2's norm-relative
// deflation test taken against the whole of T: there it needs under a third of the rotations.
// ml-matrix's EigenvalueDecomposition runs tred2 + tql2 on arrays of arrays, its inner loops down
// columns: 5x slower at n = 1000 (bench/sym-eig.ts).
//
// Cost: the reduction and forming Q take 4/3 n^3 flops each; the rotations 6 n per rotation, about
// n^2 rotations for a generic matrix (6 n^3 flops), 0.26 n^2 for the NTK population Gram at n = 1000
// (0.87 n^2 with tql2's orientation and test).

/**
 * Reduces the symmetric `a` [n, n] (upper triangle read; destroyed) to tridiagonal form: diagonal d [n],
 * off-diagonal e [n] (e[i] couples i and i + 1, e[n - 1] = 0). The Householder vector of step i
 * (on indices i + 1..n - 1, leading 1 implicit) is left in a[i, i + 2..n - 1], its factor in tau[i].
 *
 * Step i needs p = tau A22 v over the trailing block and then the update A22 -= v w^T + w v^T.
 * That update is applied row by row inside step i + 1's product, so the trailing block streams
 * through the cache once per step instead of twice (it does not fit in cache from n ~ 200 up).
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  // (vq, wq): the update still pending on rows > i; (v, p): the current step's vector and product.
  let vq = new Float64Array(n);
  let wq = new Float64Array(n);
  let v = new Float64Array(n);
  let p = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const ri = i * n;
    update2(a, i, n, vq, wq);
    d[i] = a[ri + i];
    // x = a[i, i+1..], the column below the diagonal; |x[1..]| scaled by its largest entry so the
    // squares neither underflow nor overflow.
    const alpha = a[ri + i + 1];
    let big = 0;
    for (let k = i + 2; k < n; k++) big = Math.max(big, Math.abs(a[ri + k]));
    if (big === 0) {
      tau[i] = 0;
      e[i] = alpha;
      for (let j = i + 1; j < n; j++) update2(a, j, n, vq, wq);
      vq.fill(0);
      wq.fill(0);
      continue;
    }
    let ss = 0;
    for (let k = i + 2; k < n; k++) ss += (a[ri + k] / big) ** 2;
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, big * Math.sqrt(ss));
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    tau[i] = t;
    e[i] = beta;
    v[i + 1] = 1;
    for (let k = i + 2; k < n; k++) {
      a[ri + k] *= scale;
      v[k] = a[ri + k];
    }
    p.fill(0, i + 1, n);
    let j = i + 1;
    for (; j + 3 < n; j += 4) updateSymv4(a, j, n, vq, wq, v, p);
    for (; j < n; j++) {
      update2(a, j, n, vq, wq);
      p[j] += symvRow(a, j, n, v, p);
    }
    // p = t A22 v;  w = p - (t/2)(p.v) v, pending as (v, w).
    let pv = 0;
    for (let k = i + 1; k < n; k++) {
      p[k] *= t;
      pv += p[k] * v[k];
    }
    const h = 0.5 * t * pv;
    for (let k = i + 1; k < n; k++) p[k] -= h * v[k];
    [vq, v] = [v, vq];
    [wq, p] = [p, wq];
  }
  update2(a, n - 1, n, vq, wq);
  d[n - 1] = a[n * n - 1];
  e[n - 1] = 0;
  tau[n - 1] = 0;
}

/** Row j of the rank-2 update from the diagonal on: a[j, k] -= v_j w_k + w_j v_k, k >= j. */
function update2(a: Float64Array, j: number, n: number, v: Float64Array, w: Float64Array): void {
  const vj = v[j];
  const wj = w[j];
  const o = j * n;
  for (let k = j; k < n; k++) a[o + k] -= vj * w[k] + wj * v[k];
}

/**
 * Row j of the symmetric product from the upper triangle: adds A_jk v_j to p_k for k > j and
 * returns sum_{k >= j} A_jk v_k.
 */
function symvRow(a: Float64Array, j: number, n: number, v: Float64Array, p: Float64Array): number {
  const vj = v[j];
  const o = j * n;
  let s = a[o + j] * vj;
  for (let k = j + 1; k < n; k++) {
    const x = a[o + k];
    s += x * v[k];
    p[k] += x * vj;
  }
  return s;
}

/**
 * update2 and symvRow on rows j..j+3 in one pass: right of their 4 x 4 corner the four rows share
 * the loads of v, w, vq and p, and the four running sums do not wait on each other.
 */
function updateSymv4(
  a: Float64Array,
  j: number,
  n: number,
  vq: Float64Array,
  wq: Float64Array,
  v: Float64Array,
  p: Float64Array,
): void {
  const o0 = j * n;
  const o1 = o0 + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  for (let r = 0; r < 4; r++) {
    const or = o0 + r * n;
    const ur = vq[j + r];
    const wr = wq[j + r];
    const vr = v[j + r];
    let s = 0;
    for (let k = j + r; k < j + 4; k++) {
      const x = a[or + k] - (ur * wq[k] + wr * vq[k]);
      a[or + k] = x;
      s += x * v[k];
      if (k > j + r) p[k] += x * vr;
    }
    p[j + r] += s;
  }
  const u0 = vq[j];
  const u1 = vq[j + 1];
  const u2 = vq[j + 2];
  const u3 = vq[j + 3];
  const w0 = wq[j];
  const w1 = wq[j + 1];
  const w2 = wq[j + 2];
  const w3 = wq[j + 3];
  const v0 = v[j];
  const v1 = v[j + 1];
  const v2 = v[j + 2];
  const v3 = v[j + 3];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = j + 4; k < n; k++) {
    const wk = wq[k];
    const qk = vq[k];
    const vk = v[k];
    const x0 = a[o0 + k] - (u0 * wk + w0 * qk);
    const x1 = a[o1 + k] - (u1 * wk + w1 * qk);
    const x2 = a[o2 + k] - (u2 * wk + w2 * qk);
    const x3 = a[o3 + k] - (u3 * wk + w3 * qk);
    a[o0 + k] = x0;
    a[o1 + k] = x1;
    a[o2 + k] = x2;
    a[o3 + k] = x3;
    s0 += x0 * vk;
    s1 += x1 * vk;
    s2 += x2 * vk;
    s3 += x3 * vk;
    p[k] += x0 * v0 + x1 * v1 + (x2 * v2 + x3 * v3);
  }
  p[j] += s0;
  p[j + 1] += s1;
  p[j + 2] += s2;
  p[j + 3] += s3;
}

/** Reflectors applied in turn to each group of rows of Q^T: the block's vectors stay in L2. */
const QT_BLOCK = 32;

/**
 * Q^T [n, n] for Q = H_0 H_1 ... H_{n-2} (the reflectors left by tridiagonalize), by backward
 * accumulation: Q^T = I H_{n-2} ... H_0, each H_i = I - tau_i v_i v_i^T applied on the right.
 * Before H_i, row r <= i is still e_r, which H_i leaves alone, so row r takes only the H_i with i < r.
 * Rows go four at a time and reflectors two at a time (reflectPair4), sharing the loads.
 */
function formQt(a: Float64Array, n: number, tau: Float64Array): Float64Array {
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  // g[i] = v_i . v_{i-1}
  const g = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    let s = a[(i - 1) * n + i + 1];
    for (let k = i + 2; k < n; k++) s += a[i * n + k] * a[(i - 1) * n + k];
    g[i] = s;
  }
  for (let hi = n - 2; hi >= 0; hi -= QT_BLOCK) {
    const lo = Math.max(0, hi - QT_BLOCK + 1);
    let r = lo + 1;
    for (; r + 3 < n; r += 4) {
      let i = Math.min(hi, r + 2);
      // H_i with i >= r reaches only the rows of the group below i
      for (; i >= r; i--) if (tau[i] !== 0) for (let q = i + 1; q < r + 4; q++) reflectRow(qt, q, a, i, n, tau[i]);
      for (; i > lo; i -= 2) reflectPair4(qt, r, a, i, n, tau[i], tau[i - 1], g[i]);
      if (i === lo && tau[lo] !== 0) reflectRows4(qt, r, a, lo, n, tau[lo]);
    }
    for (; r < n; r++)
      for (let i = Math.min(hi, r - 1); i >= lo; i--) if (tau[i] !== 0) reflectRow(qt, r, a, i, n, tau[i]);
  }
  return qt;
}

/**
 * Rows r..r+3 of qt (all > i) times H_i H_{i-1}: with x.v_i and x.v_{i-1} taken in one pass,
 * x H_i . v_{i-1} = x.v_{i-1} - t_i (x.v_i) g, g = v_i . v_{i-1}; then one update pass. v_i has its
 * 1 at column i+1, v_{i-1} at column i.
 */
function reflectPair4(
  qt: Float64Array,
  r: number,
  a: Float64Array,
  i: number,
  n: number,
  ta: number,
  tb: number,
  g: number,
): void {
  const o0 = r * n;
  const o1 = o0 + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  const ai = i * n;
  const bi = ai - n;
  const b1 = a[bi + i + 1];
  let da0 = qt[o0 + i + 1];
  let da1 = qt[o1 + i + 1];
  let da2 = qt[o2 + i + 1];
  let da3 = qt[o3 + i + 1];
  let db0 = qt[o0 + i] + da0 * b1;
  let db1 = qt[o1 + i] + da1 * b1;
  let db2 = qt[o2 + i] + da2 * b1;
  let db3 = qt[o3 + i] + da3 * b1;
  for (let k = i + 2; k < n; k++) {
    const va = a[ai + k];
    const vb = a[bi + k];
    const x0 = qt[o0 + k];
    const x1 = qt[o1 + k];
    const x2 = qt[o2 + k];
    const x3 = qt[o3 + k];
    da0 += x0 * va;
    da1 += x1 * va;
    da2 += x2 * va;
    da3 += x3 * va;
    db0 += x0 * vb;
    db1 += x1 * vb;
    db2 += x2 * vb;
    db3 += x3 * vb;
  }
  const sa0 = ta * da0;
  const sa1 = ta * da1;
  const sa2 = ta * da2;
  const sa3 = ta * da3;
  const sb0 = tb * (db0 - sa0 * g);
  const sb1 = tb * (db1 - sa1 * g);
  const sb2 = tb * (db2 - sa2 * g);
  const sb3 = tb * (db3 - sa3 * g);
  qt[o0 + i] -= sb0;
  qt[o1 + i] -= sb1;
  qt[o2 + i] -= sb2;
  qt[o3 + i] -= sb3;
  qt[o0 + i + 1] -= sa0 + sb0 * b1;
  qt[o1 + i + 1] -= sa1 + sb1 * b1;
  qt[o2 + i + 1] -= sa2 + sb2 * b1;
  qt[o3 + i + 1] -= sa3 + sb3 * b1;
  for (let k = i + 2; k < n; k++) {
    const va = a[ai + k];
    const vb = a[bi + k];
    qt[o0 + k] -= sa0 * va + sb0 * vb;
    qt[o1 + k] -= sa1 * va + sb1 * vb;
    qt[o2 + k] -= sa2 * va + sb2 * vb;
    qt[o3 + k] -= sa3 * va + sb3 * vb;
  }
}

/** Row r of qt times H_i: row -= t (row . v) v, v = (1, a[i, i+2..]) on columns i+1.. */
function reflectRow(qt: Float64Array, r: number, a: Float64Array, i: number, n: number, t: number): void {
  const o = r * n;
  const ai = i * n;
  let s0 = qt[o + i + 1];
  let s1 = 0;
  let k = i + 2;
  for (; k + 1 < n; k += 2) {
    s0 += qt[o + k] * a[ai + k];
    s1 += qt[o + k + 1] * a[ai + k + 1];
  }
  if (k < n) s0 += qt[o + k] * a[ai + k];
  const s = t * (s0 + s1);
  qt[o + i + 1] -= s;
  for (k = i + 2; k < n; k++) qt[o + k] -= s * a[ai + k];
}

/** reflectRow on rows r..r+3 (all > i), sharing the loads of v. */
function reflectRows4(qt: Float64Array, r: number, a: Float64Array, i: number, n: number, t: number): void {
  const o0 = r * n;
  const o1 = o0 + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  const ai = i * n;
  const m0 = i + 1;
  let x0 = qt[o0 + m0];
  let x1 = qt[o1 + m0];
  let x2 = qt[o2 + m0];
  let x3 = qt[o3 + m0];
  for (let k = m0 + 1; k < n; k++) {
    const vk = a[ai + k];
    x0 += qt[o0 + k] * vk;
    x1 += qt[o1 + k] * vk;
    x2 += qt[o2 + k] * vk;
    x3 += qt[o3 + k] * vk;
  }
  const s0 = t * x0;
  const s1 = t * x1;
  const s2 = t * x2;
  const s3 = t * x3;
  qt[o0 + m0] -= s0;
  qt[o1 + m0] -= s1;
  qt[o2 + m0] -= s2;
  qt[o3 + m0] -= s3;
  for (let k = m0 + 1; k < n; k++) {
    const vk = a[ai + k];
    qt[o0 + k] -= s0 * vk;
    qt[o1 + k] -= s1 * vk;
    qt[o2 + k] -= s2 * vk;
    qt[o3 + k] -= s3 * vk;
  }
}

/**
 * Implicit QL with Wilkinson shifts on the tridiagonal (d, e): EISPACK tql2's iteration and shift
 * bookkeeping (what ml-matrix runs), rotating the rows of zt [n, n] along. On return d holds the
 * eigenvalues (unsorted), row k of zt the eigenvector of d[k].
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number, zt: Float64Array): void {
  const eps = Number.EPSILON;
  // One sweep's rotations, applied to zt when the sweep is done (sweepRows).
  const rc = new Float64Array(n);
  const rs = new Float64Array(n);
  let f = 0;
  // tql2 tests e against the largest |d| + |e| seen so far; against the whole matrix's from the
  // start, a graded matrix splits where its small end is negligible before the large end is
  // reached (the same backward error, eps ||T||, as the test at the end of tql2's loop).
  let tst1 = 0;
  for (let i = 0; i < n; i++) tst1 = Math.max(tst1, Math.abs(d[i]) + Math.abs(e[i]));
  let iter = 0;
  for (let l = 0; l < n; l++) {
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]) <= eps * tst1)) m++;
    while (m > l) {
      if (++iter > MAX_ITER * n) throw new Error('symEig: the QL iteration did not converge');
      // Shift from the leading 2 x 2 block, subtracted from the whole remaining diagonal.
      let g = d[l];
      let p = (d[l + 1] - g) / (2 * e[l]);
      let r = Math.hypot(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l] / (p + r);
      d[l + 1] = e[l] * (p + r);
      const dl1 = d[l + 1];
      let h = g - d[l];
      for (let i = l + 2; i < n; i++) d[i] -= h;
      f += h;
      p = d[m];
      let c = 1;
      let c2 = 1;
      let c3 = 1;
      const el1 = e[l + 1];
      let s = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        g = c * e[i];
        h = c * p;
        r = Math.hypot(p, e[i]);
        e[i + 1] = s * r;
        s = e[i] / r;
        c = p / r;
        p = c * d[i] - s * g;
        d[i + 1] = h + s * (c * g + s * d[i]);
        rc[i] = c;
        rs[i] = s;
      }
      sweepRows(zt, n, l, m, rc, rs);
      p = (-s * s2 * c3 * el1 * e[l]) / dl1;
      e[l] = s * p;
      d[l] = c * p;
      if (Math.abs(e[l]) <= eps * tst1) break;
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Iterations allowed per eigenvalue on average (LAPACK dsteqr's bound; tql2 needs 1-2): NaN or Inf never converge. */
const MAX_ITER = 30;

/**
 * The sweep's rotations i = m-1 down to l, rotation i taking columns i, i+1 of Z (rows i, i+1 of
 * Z^T) to (c z_i - s z_{i+1}, s z_i + c z_{i+1}). Four consecutive rotations share a pass over five
 * rows, the row between two of them kept in a register: half the loads and stores of one pass per
 * rotation (2x faster at n = 1000), the same arithmetic in the same order.
 */
function sweepRows(zt: Float64Array, n: number, l: number, m: number, rc: Float64Array, rs: Float64Array): void {
  let i = m - 1;
  for (; i - 3 >= l; i -= 4) {
    const c1 = rc[i];
    const s1 = rs[i];
    const c2 = rc[i - 1];
    const s2 = rs[i - 1];
    const c3 = rc[i - 2];
    const s3 = rs[i - 2];
    const c4 = rc[i - 3];
    const s4 = rs[i - 3];
    const r0 = (i - 3) * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    const r4 = r3 + n;
    for (let k = 0; k < n; k++) {
      let t = zt[r4 + k];
      let z = zt[r3 + k];
      zt[r4 + k] = s1 * z + c1 * t;
      t = c1 * z - s1 * t;
      z = zt[r2 + k];
      zt[r3 + k] = s2 * z + c2 * t;
      t = c2 * z - s2 * t;
      z = zt[r1 + k];
      zt[r2 + k] = s3 * z + c3 * t;
      t = c3 * z - s3 * t;
      z = zt[r0 + k];
      zt[r1 + k] = s4 * z + c4 * t;
      zt[r0 + k] = c4 * z - s4 * t;
    }
  }
  for (; i >= l; i--) {
    const c = rc[i];
    const s = rs[i];
    const ra = i * n;
    const rb = ra + n;
    for (let k = 0; k < n; k++) {
      const za = zt[ra + k];
      const zb = zt[rb + k];
      zt[rb + k] = s * za + c * zb;
      zt[ra + k] = c * za - s * zb;
    }
  }
}

/**
 * T -> J T J and Q -> Q J (J reverses the order): QL deflates at the top, and started from the
 * small end of a graded T it splits off the small eigenvalues in short sweeps (LAPACK dsteqr
 * makes the same choice between QL and QR).
 */
function flip(d: Float64Array, e: Float64Array, zt: Float64Array, n: number): void {
  d.reverse();
  e.subarray(0, n - 1).reverse();
  const row = new Float64Array(n);
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    row.set(zt.subarray(i * n, (i + 1) * n));
    zt.copyWithin(i * n, j * n, (j + 1) * n);
    zt.set(row, j * n);
  }
}

/**
 * symEig(A, n): { values [n] ascending, vectors [n, n] row-major, the unit eigenvector of
 * values[k] in column k }   A symmetric; only its upper triangle is read and A is not modified.
 * Each eigenvector's sign is whatever the iteration leaves (as with ml-matrix, whose signs differ).
 */
export function symEig(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const d = new Float64Array(n);
  // Scaled by a power of two (exact) to a largest entry in [1, 2): tql2's products of two
  // off-diagonal entries neither overflow nor go subnormal whatever the matrix's scale.
  let big = 0;
  for (let i = 0; i < n; i++) for (let k = i; k < n; k++) big = Math.max(big, Math.abs(A[i * n + k]));
  if (!Number.isFinite(big)) throw new Error('symEig: the matrix has a non-finite entry');
  const vectors = new Float64Array(n * n);
  if (big === 0) {
    for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
    return { values: d, vectors };
  }
  const exp = Math.max(-1020, Math.min(1020, Math.floor(Math.log2(big))));
  const down = 2 ** -exp;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = i; k < n; k++) a[i * n + k] = A[i * n + k] * down;
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  tridiagonalize(a, n, d, e, tau);
  const zt = formQt(a, n, tau);
  if (Math.abs(d[n - 1]) < Math.abs(d[0])) flip(d, e, zt, n);
  tridiagonalQl(d, e, n, zt);
  const order = Array.from(d.keys()).sort((x, y) => d[x] - d[y] || x - y);
  const up = 2 ** exp;
  const values = Float64Array.from(order, (k) => d[k] * up);
  for (let c = 0; c < n; c++) {
    const rk = order[c] * n;
    for (let i = 0; i < n; i++) vectors[i * n + c] = zt[rk + i];
  }
  return { values, vectors };
}

// The WebAssembly SIMD float64 Cholesky factor and SPD inverse (linalg.wat) behind plain-array
// calls, one instance per thread (worker threads train members and build populations too); also
// the population's leverages and Kronecker Gram kernels (vkernel/leverage.ts, design-rows.ts),
// which call them whenever the switch is on.
// linalg/cholesky.ts and linalg/spd-inverse.ts call these above a size where the copy into wasm
// memory pays (bench/linalg.ts) and keep their JS loops otherwise. GTV_SIMD=0 in the environment
// (or setLinalgSimd(false)) forces the JS loops, as for the particle loops' module.
//
// The matrix is copied into wasm memory padded to a multiple of 4 with the identity (rows 32-byte
// aligned), which leaves the factor and the inverse of the leading n x n block unchanged. Memory
// grows to the largest problem seen on the thread and stays (8 s^2 bytes for a factor, twice that
// for an inverse: 16 MB at n = 1000; the leverages hold A, 8 F^2 bytes, plus a block per group).

import { LINALG_WASM_BASE64 } from './linalg-bytes.js';
import { SimdModule, interleaveRowPairs } from '../../simd-module.js';

interface Exports {
  memory: WebAssembly.Memory;
  chol(base: number, s: number): number;
  inv(lb: number, ub: number, s: number): void;
  gram(x: number, nr: number, y: number, nc: number, g: number, ro: number, co: number, t: number): void;
  lev(a: number, F: number, cols: number, n: number, build: number, v: number, gs: number, w: number, h: number): void;
  sranks(g: number, F: number, idx: number, val: number, nnz: number, lam: number, P: number, w: number): void;
  dgram(pp: number, n: number, P: number, kp: number, s: number): void;
  tvblk(n: number, B: number, sums: number, ...sides: number[]): void;
}

/** [0, 128) is the module's scratch; matrices start after it. */
const FIRST = 128;

const simdModule = new SimdModule<Exports>(LINALG_WASM_BASE64);

/**
 * linalgSimdCalls(): number             factors and inverses this thread ran in wasm (tests)
 */
export function linalgSimdCalls(): number {
  return simdModule.calls;
}

/**
 * setLinalgSimd(on)                     force the JS loops off or on (tests; this thread only)
 */
export function setLinalgSimd(on: boolean): void {
  simdModule.set(on);
}

/** linalgSimdEnabled(): boolean          the module is loaded and not switched off */
export function linalgSimdEnabled(): boolean {
  return simdModule.enabled();
}

function instance(): Exports | null {
  return simdModule.instance();
}

/** The module with at least `bytes` of memory, and a float64 view of all of it. */
function withMemory(bytes: number): { k: Exports; mem: Float64Array } {
  const k = instance()!;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return { k, mem: new Float64Array(k.memory.buffer) };
}

/** Copies the lower triangle of a [n, n] into the s x s matrix at float64 offset `at`. */
function copyLowerIn(mem: Float64Array, at: number, s: number, a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) mem.set(a.subarray(i * n, i * n + i + 1), at + i * s);
  padIdentity(mem, at, s, n);
}

/** Rows n..s-1 of the s x s matrix at `at` as the identity's (lower triangle). */
function padIdentity(mem: Float64Array, at: number, s: number, n: number): void {
  for (let i = n; i < s; i++) {
    mem.fill(0, at + i * s, at + i * s + i);
    mem[at + i * s + i] = 1;
  }
}

/**
 * choleskyWasm(a, n): boolean           as linalg/cholesky.ts choleskyInPlace (upper untouched)
 */
export function choleskyWasm(a: Float64Array, n: number): boolean {
  simdModule.calls++;
  const s = Math.ceil(n / 4) * 4;
  const { k, mem } = withMemory(FIRST + 8 * s * s);
  const at = FIRST / 8;
  copyLowerIn(mem, at, s, a, n);
  if (k.chol(FIRST, s) === 0) return false;
  for (let i = 0; i < n; i++) a.set(mem.subarray(at + i * s, at + i * s + i + 1), i * n);
  return true;
}

/** inverseWasm(L, n): Float64Array       as linalg/spd-inverse.ts inverseFromCholesky */
export function inverseWasm(L: Float64Array, n: number): Float64Array {
  simdModule.calls++;
  const s = Math.ceil(n / 4) * 4;
  const { k, mem } = withMemory(FIRST + 16 * s * s);
  const at = FIRST / 8;
  copyLowerIn(mem, at, s, L, n);
  k.inv(FIRST, FIRST + 8 * s * s, s);
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) X.set(mem.subarray(at + i * s, at + i * s + n), i * n);
  return X;
}

/** Points per call of `lev`: its values block [n4, LEV_POINTS] stays within L2 for n <= 343. */
const LEV_POINTS = 32;

interface SparseRows {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/**
 * leveragesWasm(A, F, rows, order, bounds, h)
 * h_j = phi_j^T A phi_j for CSR rows (start, col, val)
 * visited in `order`, whose runs order[bounds[g] ..
 * bounds[g + 1]) are points with identical columns
 * (vkernel/leverage-groups.ts; A [F, F] symmetric, copied in once)
 */
export function leveragesWasm(
  A: Float64Array,
  F: number,
  rows: SparseRows,
  order: Int32Array,
  bounds: Int32Array,
  h: Float64Array,
): void {
  simdModule.calls++;
  const { start, col, val } = rows;
  let nMax = 0;
  for (let g = 0; g + 1 < bounds.length; g++) {
    const j = order[bounds[g]];
    nMax = Math.max(nMax, start[j + 1] - start[j]);
  }
  const n4Max = Math.ceil(nMax / 4) * 4;
  // byte offsets: A, the group's columns, its values V [n4, LEV_POINTS], W [n, n4], h
  const aAt = FIRST;
  const colsAt = aAt + 8 * F * F;
  const vAt = colsAt + 8 * Math.ceil(nMax / 2);
  const wAt = vAt + 8 * n4Max * LEV_POINTS;
  const hAt = wAt + 8 * nMax * n4Max;
  const { k, mem } = withMemory(hAt + 8 * LEV_POINTS);
  const cols = new Int32Array(k.memory.buffer, colsAt, nMax);
  mem.set(A.subarray(0, F * F), aAt / 8);
  for (let g = 0; g + 1 < bounds.length; g++) {
    const first = order[bounds[g]];
    const n = start[first + 1] - start[first];
    const n4 = Math.ceil(n / 4) * 4;
    cols.set(col.subarray(start[first], start[first] + n));
    for (let c0 = bounds[g]; c0 < bounds[g + 1]; c0 += LEV_POINTS) {
      const c1 = Math.min(bounds[g + 1], c0 + LEV_POINTS);
      const gs = Math.ceil((c1 - c0) / 4) * 4;
      const v = vAt / 8;
      mem.fill(0, v, v + n4 * gs);
      for (let c = c0; c < c1; c++) {
        const s0 = start[order[c]];
        for (let q = 0; q < n; q++) mem[v + q * gs + (c - c0)] = val[s0 + q];
      }
      k.lev(aAt, F, colsAt, n, c0 === bounds[g] ? 1 : 0, vAt, gs, wAt, hAt);
      for (let c = c0; c < c1; c++) h[order[c]] = mem[hAt / 8 + (c - c0)];
    }
  }
}

export interface WasmGram {
  add(X: Float64Array, nr: number, Y: Float64Array, nc: number, g: number, ro: Int32Array, co: Int32Array): void;
  /** add with X [g, nr4] and Y [g, nc4] already padded (rows rounded up to 4, zeros beyond). */
  addPadded(X: Float64Array, nr: number, Y: Float64Array, nc: number, g: number, ro: Int32Array, co: Int32Array): void;
  result(): Float64Array;
}

/**
 * gramWasm(tLen): WasmGram              T [tLen] = 0 in wasm memory, then per group of points
 * .add(X, nr, Y, nc, g, ro, co)       T[ro[r] + co[c]] += sum_k X[k, r] Y[k, c] (X [g, nr],
 *                                     Y [g, nc] row-major; vkernel/design-rows.ts kroneckerGram)
 * .addPadded(...)                     the same from rows already padded to multiples of 4
 * .result(): Float64Array             a copy of T
 */
export function gramWasm(tLen: number): WasmGram {
  simdModule.calls++;
  const tAt = FIRST;
  const after = tAt + 8 * tLen;
  withMemory(after).mem.fill(0, tAt / 8, tAt / 8 + tLen);
  /** Places ro, co in wasm memory, lets `fill` put X [g, nr4] and Y [g, nc4] at their float64 offsets, and runs the kernel. */
  const run = (
    nr: number,
    nc: number,
    g: number,
    ro: Int32Array,
    co: Int32Array,
    fill: (mem: Float64Array, x: number, y: number, nr4: number, nc4: number) => void,
  ) => {
    const nr4 = Math.ceil(nr / 4) * 4;
    const nc4 = Math.ceil(nc / 4) * 4;
    // byte offsets after T: ro, co (int32), X [g, nr4], Y [g, nc4]
    const roAt = after;
    const coAt = roAt + 8 * Math.ceil(nr / 2);
    const xAt = coAt + 8 * Math.ceil(nc / 2);
    const yAt = xAt + 8 * g * nr4;
    const { k, mem } = withMemory(yAt + 8 * g * nc4);
    new Int32Array(k.memory.buffer, roAt, nr).set(ro.subarray(0, nr));
    new Int32Array(k.memory.buffer, coAt, nc).set(co.subarray(0, nc));
    fill(mem, xAt / 8, yAt / 8, nr4, nc4);
    k.gram(xAt, nr, yAt, nc, g, roAt, coAt, tAt);
  };
  return {
    add(X, nr, Y, nc, g, ro, co) {
      run(nr, nc, g, ro, co, (mem, x, y, nr4, nc4) => {
        padRows(mem, x, X, g, nr, nr4);
        padRows(mem, y, Y, g, nc, nc4);
      });
    },
    addPadded(X, nr, Y, nc, g, ro, co) {
      run(nr, nc, g, ro, co, (mem, x, y, nr4, nc4) => {
        mem.set(X.subarray(0, g * nr4), x);
        mem.set(Y.subarray(0, g * nc4), y);
      });
    },
    result() {
      return withMemory(after).mem.slice(tAt / 8, tAt / 8 + tLen);
    },
  };
}

/** a [g, n] row-major into memory at float64 offset `at` as [g, s], zero beyond column n. */
function padRows(mem: Float64Array, at: number, a: Float64Array, g: number, n: number, s: number): void {
  for (let k = 0; k < g; k++) {
    mem.set(a.subarray(k * n, k * n + n), at + k * s);
    mem.fill(0, at + k * s + n, at + k * s + s);
  }
}

export interface WasmSparseNormal {
  /** Sample p's sparse row: its first nnz entries of idx (column) and val. */
  row(p: number, idx: Int32Array, val: Float64Array, nnz: number): void;
  /** G [F, F]: the entries (a, b), a <= b in row order, of sum_p lambda_p row_p row_p^T, summed in sample order; the rest zero. */
  result(lambda: Float64Array): Float64Array;
}

/**
 * sparseNormalWasm(F, P, w): WasmSparseNormal   the upper triangle of Phi^T Lambda Phi for P
 * sparse rows of at most w entries, as particles/train.ts primal's JS loop sums it (the same
 * bits): rows are copied into wasm memory as they come, then one call sums them.
 */
export function sparseNormalWasm(F: number, P: number, w: number): WasmSparseNormal {
  simdModule.calls++;
  const gAt = FIRST;
  const idxAt = gAt + 8 * F * F;
  const valAt = idxAt + 8 * Math.ceil((P * w) / 2);
  const nnzAt = valAt + 8 * P * w;
  const lamAt = nnzAt + 8 * Math.ceil(P / 2);
  const { k, mem } = withMemory(lamAt + 8 * P);
  mem.fill(0, gAt / 8, gAt / 8 + F * F);
  const idxs = new Int32Array(k.memory.buffer, idxAt, P * w);
  const vals = new Float64Array(k.memory.buffer, valAt, P * w);
  const nnzs = new Int32Array(k.memory.buffer, nnzAt, P);
  return {
    row(p, idx, val, nnz) {
      idxs.set(idx.subarray(0, nnz), p * w);
      vals.set(val.subarray(0, nnz), p * w);
      nnzs[p] = nnz;
    },
    result(lambda) {
      new Float64Array(k.memory.buffer, lamAt, P).set(lambda.subarray(0, P));
      k.sranks(gAt, F, idxAt, valAt, nnzAt, lamAt, P, w);
      return new Float64Array(k.memory.buffer).slice(gAt / 8, gAt / 8 + F * F);
    },
  };
}

export interface WasmDualGram {
  /** K [P, P]'s lower triangle in wasm memory, row i at i * stride: ones until factors multiply in. */
  K: Float64Array;
  stride: number;
  /** K[i, k] *= sum_c R[i, c] R[k, c] (R [P, n] row-major), k <= i, as particles/train.ts dual's JS loop sums it. */
  factor(R: Float64Array, n: number): void;
  /** choleskyWasm on K in place, without the copies in and out. */
  cholesky(): boolean;
  /** The factor as a [P, P] array (lower triangle; the memory itself when stride = P). */
  lower(): Float64Array;
}

/**
 * dualGramWasm(P, maxN): WasmDualGram   the dual ridge Gram, a Hadamard product of per-factor
 * Grams of up to maxN columns, built, scaled (by the caller, through K) and factored where chol
 * wants it: no P x P array is allocated, filled, copied in or copied out (2 MB each at P = 500).
 */
export function dualGramWasm(P: number, maxN: number): WasmDualGram {
  simdModule.calls++;
  const s = Math.ceil(P / 4) * 4;
  const pairs = Math.ceil(P / 2) + 2;
  const kAt = FIRST;
  const pAt = kAt + 8 * s * s;
  const { k, mem } = withMemory(pAt + 16 * pairs * maxN);
  const at = kAt / 8;
  for (let i = 0; i < P; i++) mem.fill(1, at + i * s, at + i * s + i + 1);
  padIdentity(mem, at, s, P);
  return {
    K: mem.subarray(at, at + s * s),
    stride: s,
    factor(R, n) {
      mem.fill(0, pAt / 8, pAt / 8 + 2 * pairs * n);
      interleaveRowPairs(R, P, n, mem, pAt / 8);
      k.dgram(pAt, n, P, kAt, s);
    },
    cholesky() {
      return k.chol(kAt, s) !== 0;
    },
    lower() {
      if (s === P) return mem.subarray(at, at + P * P);
      const L = new Float64Array(P * P);
      for (let i = 0; i < P; i++) L.set(mem.subarray(at + i * s, at + i * s + i + 1), i * P);
      return L;
    },
  };
}

/** One side of a bootstrap: each replicate's drawn members (start [B + 1] into members, weights) and total weight. */
export interface DrawnLists {
  start: Int32Array;
  members: Int32Array;
  weights: Float64Array;
  totals: Float64Array;
}

/** Bins per block of tvReplicatesWasm (linalg.wat tvblk's row width). */
export const TV_BLOCK = 64;

export interface WasmTvReplicates {
  /** Per side, its bin block [members, TV_BLOCK] to fill before each run (empty for a side without lists). */
  blocks: Float64Array[];
  /** Per side, the block's TV_BLOCK bin probabilities: filled by the caller for a side without lists. */
  accs: Float64Array[];
  /** All replicates over the current blocks' first n bins: sums[r] += sum_j |accP[j] - accQ[j]|. */
  run(n: number): void;
  /** A copy of the sums. */
  sums(): Float64Array;
}

/**
 * tvReplicatesWasm(sides, counts, B): WasmTvReplicates | null   study/compare.ts tvReplicates'
 * per-block work for both sides of a comparison (null lists: a side without members) in wasm,
 * with its sums in its order (the same bits); null when the module is off
 */
export function tvReplicatesWasm(sides: (DrawnLists | null)[], counts: number[], B: number): WasmTvReplicates | null {
  if (!linalgSimdEnabled()) return null;
  simdModule.calls++;
  let at = FIRST + 8 * B;
  const take = (bytes: number) => {
    const here = at;
    at += Math.ceil(bytes / 16) * 16;
    return here;
  };
  // byte offsets of each side's block, lists and acc
  const layout = sides.map((l, i) => {
    const len = l ? l.members.length : 0;
    return {
      blk: take(8 * TV_BLOCK * counts[i]),
      start: take(4 * (B + 1)),
      members: take(4 * len),
      weights: take(8 * len),
      totals: take(8 * B),
      acc: take(8 * TV_BLOCK),
    };
  });
  const { k, mem } = withMemory(at);
  mem.fill(0, FIRST / 8, FIRST / 8 + B);
  sides.forEach((l, i) => {
    if (!l) return;
    const o = layout[i];
    new Int32Array(k.memory.buffer, o.start, B + 1).set(l.start.subarray(0, B + 1));
    new Int32Array(k.memory.buffer, o.members, l.members.length).set(l.members);
    mem.set(l.weights, o.weights / 8);
    mem.set(l.totals.subarray(0, B), o.totals / 8);
  });
  // a side without lists passes start = 0: its acc is left as filled
  const args = layout.flatMap((o, i) =>
    sides[i] ? [o.blk, o.start, o.members, o.weights, o.totals, o.acc] : [0, 0, 0, 0, 0, o.acc],
  );
  return {
    blocks: layout.map((o, i) => mem.subarray(o.blk / 8, o.blk / 8 + TV_BLOCK * counts[i])),
    accs: layout.map((o) => mem.subarray(o.acc / 8, o.acc / 8 + TV_BLOCK)),
    run: (n) => k.tvblk(n, B, FIRST, ...args),
    sums: () => mem.slice(FIRST / 8, FIRST / 8 + B),
  };
}

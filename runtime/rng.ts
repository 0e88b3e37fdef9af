// Seeded, counter-based random numbers (float64, backend independent; normals through
// random/box-muller.ts where WebAssembly SIMD is available, with the same bits).
//
// Why counter-based: the value at index i of a stream depends only on (seed, i), never on how
// the stream was consumed. So chunked work (particles split to fit memory) draws exactly the same
// numbers as unchunked work, and results are byte-identical whatever the memory budget. The
// generator is a strong 32-bit integer hash (Wellons' lowbias32, two rounds with the seed mixed
// in), fast in JS and independent of the tfjs backend, so a seed gives the same draws on every
// backend.

import { PAIRS, boxMuller } from './random/box-muller.js';

function hash32(x: number): number {
  // int32 arithmetic throughout (V8 keeps it in registers); one unsigned conversion at the end
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Per-seed key for the counters in [hi * 2^32, (hi + 1) * 2^32). */
function streamKey(seed: number, hi: number): number {
  return hash32(seed ^ hash32(hi + 0x9e3779b9));
}

/** Two 32-bit words for counter lo under key k, combined into one 53-bit uniform in (0, 1). */
function uniformWithKey(k: number, lo: number): number {
  const a = hash32(hash32(lo ^ k) + k);
  const b = hash32(a ^ 0x68e31da4 ^ k);
  // 32 + 21 bits; +0.5 keeps the value strictly inside (0, 1) so log(u) is finite.
  return (a * 2097152 + (b >>> 11) + 0.5) / 9007199254740992;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A 32-bit sub-seed: a function of the parent seed and the labels, order-sensitive. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  // Seeds may be any finite number (IR seeds are integers up to 2^53): fold both halves.
  let h = hash32((seed >>> 0) ^ hash32(Math.floor(seed / 4294967296) >>> 0));
  for (const l of labels) {
    const v = typeof l === 'number' ? hash32((l >>> 0) ^ 0x27d4eb2d) : hashString(l);
    h = hash32(h ^ v ^ 0x165667b1);
  }
  return h;
}

/** uniforms(seed, count, offset = 0): Float64Array   U(0,1), never exactly 0 or 1 */
export function uniforms(seed: number, count: number, offset = 0): Float64Array {
  const out = new Float64Array(count);
  uniformsInto(seed, out, count, offset);
  return out;
}

/** Uniforms offset .. offset + count - 1 of the stream into out[0 .. count). */
function uniformsInto(seed: number, out: Float64Array, count: number, offset: number): void {
  let i = 0;
  while (i < count) {
    // One key per 2^32 counters; the inner loop runs within one key.
    const hi = Math.floor((offset + i) / 4294967296);
    const k = streamKey(seed, hi >>> 0);
    const end = Math.min(count, (hi + 1) * 4294967296 - offset);
    for (let lo = (offset + i) >>> 0; i < end; i++, lo = (lo + 1) >>> 0) out[i] = uniformWithKey(k, lo);
  }
}

/** Box-Muller on uniform pairs (2j, 2j+1): normal 2j uses cos, 2j+1 uses sin. */
export function normals(seed: number, count: number, offset = 0): Float64Array {
  return normalsInto(seed, new Float64Array(count), offset);
}

/** normals(seed, out.length, offset) into out; returns out. */
export function normalsInto(seed: number, out: Float64Array, offset = 0): Float64Array {
  const count = out.length;
  if (count === 0) return out;
  const first = Math.floor(offset / 2);
  const last = Math.floor((offset + count - 1) / 2);
  // Blocks of PAIRS pairs: their uniforms stay in cache, and no draw-sized scratch is allocated.
  const bm = boxMuller();
  const u = bm ? bm.u : new Float64Array(2 * Math.min(PAIRS, last - first + 1));
  for (let j0 = first; j0 <= last; j0 += PAIRS) {
    const j1 = Math.min(last + 1, j0 + PAIRS);
    uniformsInto(seed ^ 0x5bd1e995, u, 2 * (j1 - j0), 2 * j0);
    if (bm) {
      bm.run(j1 - j0);
      const from = Math.max(0, offset - 2 * j0);
      const to = Math.min(2 * (j1 - j0), offset + count - 2 * j0);
      out.set(bm.z.subarray(from, to), 2 * j0 + from - offset);
      continue;
    }
    for (let j = j0; j < j1; j++) {
      const r = Math.sqrt(-2 * Math.log(u[2 * (j - j0)]));
      const th = 2 * Math.PI * u[2 * (j - j0) + 1];
      const i0 = 2 * j - offset;
      if (i0 >= 0) out[i0] = r * Math.cos(th);
      if (i0 + 1 < count) out[i0 + 1] = r * Math.sin(th);
    }
  }
  return out;
}

/** n categorical draws, row i from the unnormalized probabilities probs[i*k .. i*k+k). */
export function categorical(
  seed: number,
  probs: ArrayLike<number>,
  n: number,
  k: number,
  offset = 0,
  rowStride = k,
): Int32Array {
  const out = new Int32Array(n);
  const us = uniforms(seed ^ 0x1b873593, n, offset);
  for (let i = 0; i < n; i++) {
    const row = i * rowStride;
    let total = 0;
    for (let m = 0; m < k; m++) total += probs[row + m];
    let u = us[i] * total;
    let m = 0;
    for (; m < k - 1; m++) {
      u -= probs[row + m];
      if (u < 0) break;
    }
    out[i] = m;
  }
  return out;
}

/**
 * n draws [n, dim] from sum_m weights[m] N(mean_m, L L^T): `means` is [M, dim] row-major and
 * `chol` the lower Cholesky factor [dim, dim] of the shared covariance.
 */
export function mixtureSamples(
  seed: number,
  means: ArrayLike<number>,
  weights: ArrayLike<number>,
  dim: number,
  chol: ArrayLike<number>,
  n: number,
): Float64Array {
  const M = weights.length;
  const comp = categorical(deriveSeed(seed, 'component'), weights, n, M, 0, 0);
  const z = normals(deriveSeed(seed, 'noise'), n * dim);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const m = comp[i];
    for (let a = 0; a < dim; a++) {
      let v = means[m * dim + a];
      for (let b = 0; b <= a; b++) v += chol[a * dim + b] * z[i * dim + b];
      out[i * dim + a] = v;
    }
  }
  return out;
}

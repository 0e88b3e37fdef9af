// The per-particle loops in WebAssembly SIMD (particles.wat) behind a plain-data call, one
// instance per thread.
// particles/integrate.ts uses them, Euler or Heun, in 1D (one space factor) and 2D (two), when every
// space factor is a Gaussian with a window of 3 centres each side (width = spacing / 2, the
// Figs. 2-3 layout) or every one is Fourier with n <= 32 (Fig. 3's Fourier panel). Mixed Gaussian
// x Fourier products, other bases, or a runtime without WebAssembly SIMD keep the JS loops (the
// module has one row kind per call; no study of the paper mixes them). GTV_SIMD=0 in the
// environment (or setSimd(false)) forces the JS loops.
//
// Precision: the rows (bumps, or cosines and sines) are computed in float64 and rounded to
// float32, the weights are float32, and each window's (Fourier: the whole row's) multiply-adds
// accumulate in float32 (particles.wat); the state and the update are float64. Pure arithmetic
// without relaxed SIMD, so the same bytes on every thread.

import { BASES, type AxisBasis } from '../../bases.js';
import type { StepPlan } from '../steps.js';
import { PARTICLES_WASM_BASE64 } from './particles-bytes.js';
import { SimdModule } from '../../simd-module.js';

interface Exports {
  memory: WebAssembly.Memory;
  setup(...args: number[]): void;
  fsetup(...args: number[]): void;
  expv(ptr: number, n: number): void;
  sincosv(ptr: number, n: number, out: number): void;
  run1(xp: number, pairs: number, steps: number, heun: number, hp: number, ap: number, wp: number): number;
  tstep1(...args: number[]): number;
  tstep2(...args: number[]): number;
  tgrid(...args: number[]): void;
  tcoef1(...args: number[]): void;
  xstep1(...args: number[]): number;
  run2(
    xp: number,
    pairs: number,
    steps: number,
    heun: number,
    hp: number,
    ap: number,
    wp: number,
    swap: number,
  ): number;
}

/** The module's window half-width (particles.wat is written for it). */
const K = 3;
/** The most Fourier features per factor: the module's scratch rows hold 32 slots. */
const FOURIER_MAX = 32;
/** The module's Fourier scratch rows (particles.wat header). */
const R1 = 64;
const R2 = 320;
/** Offsets are kept 16-byte aligned; [0, 576) is the module's scratch. */
const FIRST = 576;

const simdModule = new SimdModule<Exports>(PARTICLES_WASM_BASE64);

/** simdCalls(): how many integrations this thread ran through the module (tests) */
export function simdCalls(): number {
  return simdModule.calls;
}

/** setSimd(on) / simdEnabled(): force the JS loops off or on (tests; this thread only) */
export function setSimd(on: boolean): void {
  simdModule.set(on);
}

export function simdEnabled(): boolean {
  return simdModule.enabled();
}

function instance(): Exports | null {
  return simdModule.instance();
}

/** The SIMD loops handle these space factors (and SIMD is on); otherwise the JS loops run. */
export function simdLoopsFit(space: AxisBasis[], dim: number): boolean {
  if (!simdEnabled() || space.length !== dim || (dim !== 1 && dim !== 2)) return false;
  if (dim === 2 && space[0].axis === space[1].axis) return false;
  // The bases that declare a SIMD row (bases.ts), each in the shape particles.wat is written for.
  if (!space.every((b) => BASES[b.kind].simd)) return false;
  return (
    space.every((b) => b.kind === 'gauss' && b.K === K && b.n > 1 && b.a < 100) ||
    space.every((b) => b.kind === 'fourier' && b.n <= FOURIER_MAX)
  );
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The module's table steps and builds (particles/table.ts) and exact-score step
 * (particles/exact-score.ts), whose memory from TABLE_FIRST is the caller's.
 */
export interface LoopKernel {
  memory: WebAssembly.Memory;
  tstep1(
    xp: number,
    n: number,
    tp: number,
    hk: number,
    ae: number,
    lo: number,
    invS: number,
    G: number,
    last: number,
    wrap: number,
    outp: number,
  ): number;
  tstep2(...args: number[]): number;
  tgrid(outp: number, tp: number, ap: number, spanp: number, S1: number, n1: number, rs: number): void;
  tcoef1(cp: number, ap: number, wp: number, pairs: number, n: number): void;
  /** xstep1(yp, n, M, pp, lp, gp, tp, p2p, inv, hi, lo, alpha, beta, c, inv2s2, h): 0 when a new state is not finite */
  xstep1(...args: number[]): number;
}
/** Where the table loops' memory starts (below: the module's scratch). */
export const TABLE_FIRST = FIRST;

/** loopKernel(bytes): the module with at least `bytes` of memory, or null (no SIMD, or switched off) */
export function loopKernel(bytes: number): LoopKernel | null {
  if (!simdEnabled()) return null;
  simdModule.calls++;
  return withMemory(bytes);
}

/** Grows the memory to at least `bytes` and returns the module's exports. */
function withMemory(bytes: number): Exports {
  const k = instance()!;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return k;
}

/** simdExp(v: Float64Array): Float64Array   the module's exp, for its accuracy test */
export function simdExp(v: Float64Array): Float64Array {
  const n = Math.ceil(v.length / 4) * 4;
  const k = withMemory(FIRST + 8 * n);
  new Float64Array(k.memory.buffer, FIRST, v.length).set(v);
  k.expv(FIRST, n);
  return new Float64Array(k.memory.buffer, FIRST, v.length).slice();
}

/** simdSinCos(v: Float64Array): { sin, cos }   the module's sincos, for its accuracy test */
export function simdSinCos(v: Float64Array): { sin: Float64Array; cos: Float64Array } {
  const n = Math.ceil(v.length / 2) * 2;
  const k = withMemory(FIRST + 24 * n);
  new Float64Array(k.memory.buffer, FIRST, v.length).set(v);
  k.sincosv(FIRST, n, FIRST + 8 * n);
  const out = (at: number) => new Float64Array(k.memory.buffer, at, v.length).slice();
  return { sin: out(FIRST + 8 * n), cos: out(FIRST + 16 * n) };
}

/** Multiples of 4 (one f32x4 vector). */
const up4 = (n: number) => Math.ceil(n / 4) * 4;

/** Memory offsets of one call: steps h, coefficients a, weights, state (16-byte aligned). */
function layout(steps: number, E: number, weightFloats: number, pairs: number, dim: number) {
  const hp = FIRST;
  const ap = align(hp + 8 * steps);
  const wp = align(ap + 8 * E);
  const xp = align(wp + 4 * weightFloats);
  return { hp, ap, wp, xp, bytes: xp + 16 * pairs * dim };
}

/**
 * integrateSimd(x, n, dim, space, Wv, plan): number   as particles/integrate.ts integrateParticles
 */
export function integrateSimd(
  x: Float64Array,
  n: number,
  dim: number,
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
): number {
  simdModule.calls++;
  const b1 = space[0];
  const b2 = dim === 2 ? space[1] : null;
  // particles go in pairs: an odd count gets a copy of the last one (same value, same steps)
  const pairs = Math.ceil(n / 2);
  const lay = b1.kind === 'fourier' ? fourierWeights(b1, b2, Wv, plan, pairs) : gaussWeights(b1, b2, Wv, plan, pairs);
  const k = instance()!;
  const { xp, hp, ap, wp } = lay;
  const xs = new Float64Array(k.memory.buffer, xp, 2 * pairs * dim);
  xs.set(x.subarray(0, n * dim));
  if (n % 2) xs.copyWithin(n * dim, (n - 1) * dim, n * dim);
  const heun = plan.heun ? 1 : 0;
  const bad = b2
    ? k.run2(xp, pairs, plan.steps, heun, hp, ap, wp, b1.axis === 0 ? 0 : 1)
    : k.run1(xp, pairs, plan.steps, heun, hp, ap, wp);
  x.set(new Float64Array(k.memory.buffer, xp, n * dim));
  return bad;
}

type Layout = ReturnType<typeof layout>;

/** Memory for the layout, with the steps and coefficients at their offsets. */
function stepsInto(lay: Layout, plan: StepPlan): Exports {
  const k = withMemory(lay.bytes);
  new Float64Array(k.memory.buffer, lay.hp, plan.steps).set(plan.h);
  new Float64Array(k.memory.buffer, lay.ap, plan.a.length).set(plan.a);
  return k;
}

/** Gaussian factors: the weights as zero-padded float32 window blocks, and setup. */
function gaussWeights(b1: AxisBasis, b2: AxisBasis | null, Wv: Float64Array, plan: StepPlan, pairs: number): Layout {
  const E = plan.a.length;
  const dim = b2 ? 2 : 1;
  // padded weight blocks: 3 zero rows above and below, 3 zero columns before and 5 after
  const cols = (b2 ? b2.n : b1.n) + 2 * K + 2;
  const rows = b2 ? b1.n + 2 * K : 1;
  const blk = rows * cols;
  const lay = layout(plan.steps, E, E * dim * blk, pairs, dim);
  const k = stepsInto(lay, plan);
  const W = new Float32Array(k.memory.buffer, lay.wp, E * dim * blk).fill(0);
  if (b2) {
    const n1 = b1.n;
    const n2 = b2.n;
    for (let ed = 0; ed < E * 2; ed++)
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < n2; j++) W[ed * blk + (i + K) * cols + j + K] = Wv[(ed * n1 + i) * n2 + j];
  } else {
    for (let e = 0; e < E; e++) for (let j = 0; j < b1.n; j++) W[e * blk + j + K] = Wv[e * b1.n + j];
  }
  const factor = (b: AxisBasis | null) =>
    b ? [b.lo, b.invH, b.a, b.n - 1, b.ea, b.q, K + Math.sqrt(110 / b.a)] : [0, 0, 0, 0, 0, 0, 0];
  k.setup(...factor(b1), ...factor(b2), b1.norm * (b2 ? b2.norm : 1), 4 * cols, 4 * blk);
  return lay;
}

/**
 * Fourier factors: float32 weights in the module's order (particles.wat header), columns of factor
 * 2 (1D: of the one factor) zero-padded to a multiple of 4, and fsetup. 2D, per evaluation e:
 * for each column vector jv and row i of factor 1, output 0's 4 weights then output 1's.
 */
function fourierWeights(b1: AxisBasis, b2: AxisBasis | null, Wv: Float64Array, plan: StepPlan, pairs: number): Layout {
  const E = plan.a.length;
  const dim = b2 ? 2 : 1;
  const n1 = b1.n;
  // 2D: rows of factor 1 padded to an even count (the module takes two per iteration)
  const rows = n1 + (n1 % 2);
  const n2 = b2 ? b2.n : 0;
  const nv = up4(b2 ? n2 : n1) / 4;
  // floats per evaluation (both outputs in 2D)
  const blk = b2 ? 8 * rows * nv : 4 * nv;
  const lay = layout(plan.steps, E, E * blk, pairs, dim);
  const k = stepsInto(lay, plan);
  const W = new Float32Array(k.memory.buffer, lay.wp, E * blk).fill(0);
  if (b2) {
    for (let e = 0; e < E; e++)
      for (let d = 0; d < 2; d++)
        for (let i = 0; i < n1; i++)
          for (let j = 0; j < n2; j++)
            W[e * blk + ((j >> 2) * rows + i) * 8 + d * 4 + (j & 3)] = Wv[((e * 2 + d) * n1 + i) * n2 + j];
  } else {
    for (let e = 0; e < E; e++) for (let j = 0; j < n1; j++) W[e * blk + j] = Wv[e * n1 + j];
  }
  const f2 = b2 ? [b2.w, b2.nc, b2.ns] : [0, 0, 0];
  // run2 steps 2 blkB per evaluation (two Gaussian output blocks), run1 one
  const blkB = b2 ? 2 * blk : 4 * blk;
  k.fsetup(b1.w, b1.nc, b1.ns, ...f2, R1 + 8 * (b2 ? rows : 4 * nv), R2 + 32 * nv, blkB);
  return lay;
}

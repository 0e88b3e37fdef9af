// The WebAssembly SIMD loops (kernel.wat) behind a plain-data call, one instance per thread.
// fast/particles.ts uses them for Gaussian space factors with a window of 3 centres each side
// (width = spacing / 2, the Figs. 2-3 layout), Euler or Heun, in 1D (one factor) and 2D (two);
// everything else, or a runtime without WebAssembly SIMD, keeps the JS loops. GTV_SIMD=0 in the
// environment (or setSimd(false)) forces the JS loops.
//
// Precision: the bumps are computed in float64 and rounded to float32, the weights are float32,
// and each window's multiply-adds accumulate in float32 (kernel.wat); the state and the update
// are float64. Pure arithmetic without relaxed SIMD, so the same bytes on every thread.
//
// API
//   simdKernelFits(space, dim): boolean   the kernel handles these factors (and SIMD is on)
//   integrateSimd(x, n, dim, space, Wv, plan): number   as fast/particles.ts integrateParticles
//   setSimd(on) / simdEnabled(): force the JS loops off or on (tests; this thread only)
//   simdCalls(): how many integrations this thread ran through the kernel (tests)
//   simdExp(v: Float64Array): Float64Array   the kernel's exp, for its accuracy test

import { GAUSS, type AxisBasis } from '../axis.js';
import type { StepPlan } from '../steps.js';
import { KERNEL_WASM_BASE64 } from './kernel-bytes.js';

interface Exports {
  memory: WebAssembly.Memory;
  setup(...args: number[]): void;
  expv(ptr: number, n: number): void;
  gauss1(xp: number, pairs: number, steps: number, heun: number, hp: number, ap: number, wp: number): number;
  gauss2(xp: number, pairs: number, steps: number, heun: number, hp: number, ap: number, wp: number, swap: number): number;
}

/** The kernel's window half-width (kernel.wat is written for it). */
const K = 3;
/** Offsets are kept 16-byte aligned; [0, 64) is the kernel's scratch. */
const FIRST = 64;

let enabled = process.env.GTV_SIMD !== '0';
let kernel: Exports | null | undefined;
let calls = 0;

export function simdCalls(): number {
  return calls;
}

export function setSimd(on: boolean): void {
  enabled = on;
}

export function simdEnabled(): boolean {
  return enabled && instance() !== null;
}

function instance(): Exports | null {
  if (kernel === undefined) {
    try {
      const mod = new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
      kernel = new WebAssembly.Instance(mod).exports as unknown as Exports;
    } catch {
      // no WebAssembly SIMD here: the JS loops run instead
      kernel = null;
    }
  }
  return kernel;
}

export function simdKernelFits(space: AxisBasis[], dim: number): boolean {
  if (!simdEnabled() || space.length !== dim || (dim !== 1 && dim !== 2)) return false;
  if (dim === 2 && space[0].axis === space[1].axis) return false;
  return space.every((b) => b.kind === GAUSS && b.K === K && b.n > 1 && b.a < 100);
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Grows the memory to at least `bytes` and returns the kernel. */
function withMemory(bytes: number): Exports {
  const k = instance()!;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return k;
}

export function simdExp(v: Float64Array): Float64Array {
  const n = Math.ceil(v.length / 4) * 4;
  const k = withMemory(FIRST + 8 * n);
  new Float64Array(k.memory.buffer, FIRST, v.length).set(v);
  k.expv(FIRST, n);
  return new Float64Array(k.memory.buffer, FIRST, v.length).slice();
}

export function integrateSimd(
  x: Float64Array,
  n: number,
  dim: number,
  space: AxisBasis[],
  Wv: Float64Array,
  plan: StepPlan,
): number {
  const { steps, heun } = plan;
  const E = plan.a.length;
  calls++;
  const b1 = space[0];
  const b2 = dim === 2 ? space[1] : null;
  // padded weight blocks: 3 zero rows above and below, 3 zero columns before and 5 after
  const cols = (b2 ? b2.n : b1.n) + 2 * K + 2;
  const rows = b2 ? b1.n + 2 * K : 1;
  const blk = rows * cols;
  const hp = FIRST;
  const ap = align(hp + 8 * steps);
  const wp = align(ap + 8 * E);
  const xp = align(wp + 4 * E * dim * blk);
  // particles go in pairs: an odd count gets a copy of the last one (same value, same steps)
  const pairs = Math.ceil(n / 2);
  const k = withMemory(xp + 16 * pairs * dim);
  const buf = k.memory.buffer;
  new Float64Array(buf, hp, steps).set(plan.h);
  new Float64Array(buf, ap, E).set(plan.a);
  const W = new Float32Array(buf, wp, E * dim * blk).fill(0);
  if (b2) {
    const n1 = b1.n;
    const n2 = b2.n;
    for (let ed = 0; ed < E * 2; ed++)
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < n2; j++) W[ed * blk + (i + K) * cols + j + K] = Wv[(ed * n1 + i) * n2 + j];
  } else {
    for (let e = 0; e < E; e++) for (let j = 0; j < b1.n; j++) W[e * blk + j + K] = Wv[e * b1.n + j];
  }
  const xs = new Float64Array(buf, xp, 2 * pairs * dim);
  xs.set(x.subarray(0, n * dim));
  if (n % 2) xs.copyWithin(n * dim, (n - 1) * dim, n * dim);
  const factor = (b: AxisBasis | null) =>
    b ? [b.lo, b.invH, b.a, b.n - 1, b.ea, b.q, K + Math.sqrt(110 / b.a)] : [0, 0, 0, 0, 0, 0, 0];
  k.setup(...factor(b1), ...factor(b2), b1.norm * (b2 ? b2.norm : 1), 4 * cols, 4 * blk);
  const bad = b2
    ? k.gauss2(xp, pairs, steps, heun ? 1 : 0, hp, ap, wp, b1.axis === 0 ? 0 : 1)
    : k.gauss1(xp, pairs, steps, heun ? 1 : 0, hp, ap, wp);
  x.set(new Float64Array(k.memory.buffer, xp, n * dim));
  return bad;
}

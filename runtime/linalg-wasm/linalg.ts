// The WebAssembly SIMD float64 Cholesky factor and SPD inverse (linalg.wat) behind plain-array
// calls, one instance per thread (worker threads train members and build populations too).
// models/cholesky.ts and vkernel/spd-inverse.ts call these above a size where the copy into wasm
// memory pays (bench/linalg.ts) and keep their JS loops otherwise. GTV_SIMD=0 in the environment
// (or setLinalgSimd(false)) forces the JS loops, as for runtime/fast/wasm.
//
// The matrix is copied into wasm memory padded to a multiple of 4 with the identity (rows 32-byte
// aligned), which leaves the factor and the inverse of the leading n x n block unchanged. Memory
// grows to the largest problem seen on the thread and stays (8 s^2 bytes for a factor, twice that
// for an inverse: 16 MB at n = 1000).
//
// API
//   linalgSimdEnabled(): boolean          the module is loaded and not switched off
//   setLinalgSimd(on)                     force the JS loops off or on (tests; this thread only)
//   linalgSimdCalls(): number             factors and inverses this thread ran in wasm (tests)
//   choleskyWasm(a, n): boolean           as models/cholesky.ts choleskyInPlace (upper untouched)
//   inverseWasm(L, n): Float64Array       as vkernel/spd-inverse.ts inverseFromCholesky

import { LINALG_WASM_BASE64 } from './linalg-bytes.js';

interface Exports {
  memory: WebAssembly.Memory;
  chol(base: number, s: number): number;
  inv(lb: number, ub: number, s: number): void;
}

/** [0, 128) is the module's scratch; matrices start after it. */
const FIRST = 128;

let enabled = process.env.GTV_SIMD !== '0';
let wasm: Exports | null | undefined;
let calls = 0;

export function linalgSimdCalls(): number {
  return calls;
}

export function setLinalgSimd(on: boolean): void {
  enabled = on;
}

export function linalgSimdEnabled(): boolean {
  return enabled && instance() !== null;
}

function instance(): Exports | null {
  if (wasm === undefined) {
    try {
      const mod = new WebAssembly.Module(Buffer.from(LINALG_WASM_BASE64, 'base64'));
      wasm = new WebAssembly.Instance(mod).exports as unknown as Exports;
    } catch {
      // no WebAssembly SIMD here: the JS loops run instead
      wasm = null;
    }
  }
  return wasm;
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
  for (let i = n; i < s; i++) {
    mem.fill(0, at + i * s, at + i * s + i);
    mem[at + i * s + i] = 1;
  }
}

export function choleskyWasm(a: Float64Array, n: number): boolean {
  calls++;
  const s = Math.ceil(n / 4) * 4;
  const { k, mem } = withMemory(FIRST + 8 * s * s);
  const at = FIRST / 8;
  copyLowerIn(mem, at, s, a, n);
  if (k.chol(FIRST, s) === 0) return false;
  for (let i = 0; i < n; i++) a.set(mem.subarray(at + i * s, at + i * s + i + 1), i * n);
  return true;
}

export function inverseWasm(L: Float64Array, n: number): Float64Array {
  calls++;
  const s = Math.ceil(n / 4) * 4;
  const { k, mem } = withMemory(FIRST + 16 * s * s);
  const at = FIRST / 8;
  copyLowerIn(mem, at, s, L, n);
  k.inv(FIRST, FIRST + 8 * s * s, s);
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) X.set(mem.subarray(at + i * s, at + i * s + n), i * n);
  return X;
}

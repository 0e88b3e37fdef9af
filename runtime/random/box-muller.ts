// Box-Muller normals in WebAssembly SIMD (box-muller.wat) for rng.ts normalsInto, one instance per
// thread. The module computes log, sin and cos by fdlibm's algorithms, the ones V8 11 uses for
// Math.log, Math.sin and Math.cos, so a seed's normals have the same bits with the module as with
// the JS loop on such an engine, and the same bits on every engine with the module (V8's later
// versions may compute sin and cos by another algorithm; wasm arithmetic is the same everywhere).
// Two pairs per step in float64x2 lanes: about 2x faster than the JS loop (bench/README.md,
// "Normals"). GTV_SIMD=0 (or setBoxMullerSimd(false)) keeps the JS loop.

import { BOX_MULLER_WASM_BASE64 } from './box-muller-bytes.js';
import { SimdModule } from '../simd-module.js';

interface Exports {
  memory: WebAssembly.Memory;
  bm(up: number, pairs: number, zp: number): void;
  bmref(up: number, pairs: number, zp: number): void;
}

/** Uniform pairs per call: their uniforms and normals fill the module's two pages. */
export const PAIRS = 2048;
const UP = 0;
const ZP = 16 * PAIRS;

const simdModule = new SimdModule<Exports>(BOX_MULLER_WASM_BASE64);

export interface BoxMuller {
  /** The module's uniforms [2 PAIRS] (pairs u_{2j}, u_{2j+1}) and normals [2 PAIRS]. */
  u: Float64Array;
  z: Float64Array;
  /** The normals of the first `pairs` uniform pairs into z. */
  run(pairs: number): void;
}

let views: BoxMuller | undefined;

/** This thread's module, or null (no WebAssembly SIMD, or switched off). */
export function boxMuller(): BoxMuller | null {
  if (!simdModule.enabled()) return null;
  if (!views) {
    const k = simdModule.instance()!;
    views = {
      u: new Float64Array(k.memory.buffer, UP, 2 * PAIRS),
      z: new Float64Array(k.memory.buffer, ZP, 2 * PAIRS),
      run: (pairs) => k.bm(UP, pairs, ZP),
    };
  }
  return views;
}

/** setBoxMullerSimd(on): force the JS loop off or on (tests; this thread only) */
export function setBoxMullerSimd(on: boolean): void {
  simdModule.set(on);
}

/** The normals of the uniform pairs u through the module's scalar reference path alone (tests). */
export function boxMullerReference(u: Float64Array): Float64Array {
  const k = simdModule.instance();
  if (!k) throw new Error('no WebAssembly SIMD');
  const pairs = u.length / 2;
  if (!(pairs <= PAIRS)) throw new Error(`at most ${PAIRS} pairs`);
  new Float64Array(k.memory.buffer, UP, u.length).set(u);
  k.bmref(UP, pairs, ZP);
  return new Float64Array(k.memory.buffer, ZP, u.length).slice();
}

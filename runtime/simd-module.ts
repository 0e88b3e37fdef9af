// A WebAssembly SIMD module behind an on/off switch, one instance per thread: instantiated on
// first use, and null where the runtime has no WebAssembly SIMD (the callers' JS loops run
// instead). GTV_SIMD=0 in the environment starts every switch off. Used by runtime/particles/wasm
// (the particle kernel), runtime/linalg/wasm (float64 linear algebra) and runtime/random (normals);
// also the row-pair layout that the kernels taking two rows per f64x2 read.

/**
 * new SimdModule<Exports>(base64)
 *   .instance(): Exports | null    the module's exports on this thread
 *   .enabled(): boolean            switched on and available
 *   .set(on)                       the switch (tests; this thread only)
 *   .calls                         how many calls went through the module (callers count, tests)
 */
export class SimdModule<E> {
  calls = 0;
  private on = process.env.GTV_SIMD !== '0';
  private exports: E | null | undefined;

  constructor(private readonly base64: string) {}

  set(on: boolean): void {
    this.on = on;
  }

  enabled(): boolean {
    return this.on && this.instance() !== null;
  }

  instance(): E | null {
    if (this.exports === undefined) {
      try {
        const mod = new WebAssembly.Module(Buffer.from(this.base64, 'base64'));
        this.exports = new WebAssembly.Instance(mod).exports as unknown as E;
      } catch {
        this.exports = null;
      }
    }
    return this.exports;
  }
}

/**
 * interleaveRowPairs(A, rows, n, out, at = 0)   A [rows, n] row-major into out from `at` as
 * [pairs, n, 2]: rows 2h and 2h + 1 side by side, the layout the kernels that take two rows per
 * f64x2 read (a missing last row left as out holds it)
 */
export function interleaveRowPairs(A: Float64Array, rows: number, n: number, out: Float64Array, at = 0): void {
  for (let r = 0; r < rows; r++) {
    const o = at + (r >> 1) * 2 * n + (r & 1);
    for (let i = 0; i < n; i++) out[o + 2 * i] = A[r * n + i];
  }
}

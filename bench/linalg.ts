// Dense float64 linear algebra benchmark (not a test): `npx tsx bench/linalg.ts [reps]`.
// One thread, one process run: the Cholesky factor (linalg/cholesky.ts) at n = 64, 500 (one per
// Fig. 3 member) and 1000 (the effective-SDE population), the SPD inverse from the factor
// (linalg/spd-inverse.ts) at n = 1000, the Fig. 3 solve (n = 500, two right-hand sides) and a
// Fig. 3 member's dual ridge fit (particles/train.ts, Gram and factor),
// each through the JS loops (setLinalgSimd(false)) and through runtime/linalg/wasm, including the
// copies in and out of wasm memory. Process CPU time per call, median of `reps` runs (default 9,
// 5 at n = 1000) after one warm-up; the load average before and after (the machine is shared,
// so CPU time is the column to trust). JS / wasm is the speed-up; the target is >= 2.5 at n = 500.
import os from 'node:os';
import { choleskyInPlace, choleskySolve } from '../runtime/linalg/cholesky.js';
import { inverseFromCholesky } from '../runtime/linalg/spd-inverse.js';
import { linalgSimdEnabled, setLinalgSimd } from '../runtime/linalg/wasm/simd.js';
import { deriveSeed, normals } from '../runtime/rng.js';
import type { IrFeatureTree } from '../compiler/ir/types.js';
import { productTrainer } from '../runtime/particles/train.js';
import { dsmSamples } from '../runtime/models/dsm.js';
import { targets } from '../runtime/models/linear.js';
import { makeSchedule } from '../runtime/schedule.js';

const REPS = Number(process.argv[2] ?? 9);
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`${new Date().toISOString()}  load average before: ${load()}  (shared machine)`);
const SIMD = linalgSimdEnabled();
if (!SIMD) console.log('WebAssembly SIMD is off (GTV_SIMD=0 or missing): both columns run the JS loops');

/** A = B B^T / n + I, B standard normal: SPD with condition number below ~5. */
function spd(n: number): Float64Array {
  const B = normals(1, n * n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = A[j * n + i] = s / n + (i === j ? 1 : 0);
    }
  return A;
}

/** Median process CPU ms of `run` (setup excluded), after one warm-up call. */
function cpuMs(reps: number, setup: () => void, run: () => void): number {
  const t: number[] = [];
  for (let r = 0; r <= reps; r++) {
    setup();
    const c = process.cpuUsage();
    run();
    const d = process.cpuUsage(c);
    if (r > 0) t.push((d.user + d.system) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function both(reps: number, setup: () => void, run: () => void): [number, number] {
  setLinalgSimd(false);
  const js = cpuMs(reps, setup, run);
  setLinalgSimd(SIMD);
  const wasm = cpuMs(reps, setup, run);
  return [js, wasm];
}

const rows: [string, number, number, number][] = [];
for (const n of [64, 500, 1000]) {
  const A = spd(n);
  let a = A;
  const reps = n === 64 ? 101 : n === 1000 ? Math.min(REPS, 5) : REPS;
  rows.push([
    `factor n = ${n}`,
    n ** 3 / 3,
    ...both(
      reps,
      () => (a = A.slice()),
      () => choleskyInPlace(a, n),
    ),
  ]);
  if (n === 500) {
    const L = A.slice();
    choleskyInPlace(L, n);
    const B = normals(2, 2 * n);
    let b = B;
    setLinalgSimd(false);
    const js = cpuMs(
      reps,
      () => (b = B.slice()),
      () => choleskySolve(L, n, b, 2),
    );
    rows.push([`solve n = ${n}, 2 rhs (JS only)`, 2 * 2 * n * n, js, NaN]);
  }
  if (n === 1000) {
    const L = A.slice();
    choleskyInPlace(L, n);
    rows.push([
      `inverse n = ${n}`,
      (2 * n ** 3) / 3,
      ...both(
        reps,
        () => {},
        () => inverseFromCholesky(L, n),
      ),
    ]);
  }
}

// A Figure 3 member's ridge fit (P = 500 DSM samples, 10 x 10 x 10 features: the dual form), its
// Gram built and factored in wasm or by the JS loops.
const square = {
  points: Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1]),
  weights: new Float64Array(4).fill(0.25),
  M: 4,
  dim: 2,
};
const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const basis = (
  b: 'gauss' | 'fourier',
  axis: 'x' | 'y' | 't',
  over: [number, number],
  width: number,
): IrFeatureTree => ({
  op: 'basis',
  basis: b,
  axes: [axis],
  n: 10,
  over,
  width,
  seed: 0,
});
for (const b of ['gauss', 'fourier'] as const) {
  const tree: IrFeatureTree = {
    op: 'product',
    factors: [basis(b, 'x', [-1.5, 1.5], 1 / 6), basis(b, 'y', [-1.5, 1.5], 1 / 6), basis(b, 't', [0.01, 1], 0.055)],
  };
  const P = 500;
  const trainer = productTrainer(tree, 2)!;
  const s = dsmSamples(square, vp, P, [0.01, 1], deriveSeed(3, 'member', 0));
  const { lambda, Y } = targets(s, vp, 'denoiser');
  rows.push([
    `dual fit P = ${P}, ${b}`,
    NaN,
    ...both(
      REPS,
      () => {},
      () => trainer.fit(s.x, s.t, P, lambda, Y, 2, 0.1),
    ),
  ]);
}
setLinalgSimd(SIMD);

const pad = (s: string, w: number) => s.padStart(w);
console.log(
  `\n${'step'.padEnd(30)}${pad('JS ms', 10)}${pad('wasm ms', 10)}${pad('JS/wasm', 9)}${pad('JS GF/s', 9)}${pad('wasm GF/s', 11)}`,
);
for (const [what, flops, js, wasm] of rows) {
  const gf = (ms: number) => (Number.isNaN(ms) || Number.isNaN(flops) ? '-' : (flops / ms / 1e6).toFixed(2));
  console.log(
    `${what.padEnd(30)}${pad(js.toFixed(2), 10)}${pad(Number.isNaN(wasm) ? '-' : wasm.toFixed(2), 10)}` +
      `${pad(Number.isNaN(wasm) ? '-' : (js / wasm).toFixed(2), 9)}${pad(gf(js), 9)}${pad(gf(wasm), 11)}`,
  );
}
console.log(`\nload average after: ${load()}`);

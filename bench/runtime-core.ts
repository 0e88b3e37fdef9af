// Runtime-core benchmark: the Fig. 1 maps (4 data sets x 5 times x 100 x 100 grid, docs/theory.md 13.1)
// and PF-ODE throughput with the exact score, against the backend's own float32 matmul peak
// measured in the same run (so the ratio is comparable across machines).
// Run: npx tsx bench/runtime-core.ts [--backend wasm|cpu]
//
// FLOP model of one PF-ODE particle-step with the exact score (M points, dim D), counting exp as
// one operation: M (3D + 2 + 2D) for distances, weights and the posterior mean, plus 8D for the
// score and the Euler update. It is an accounting convention, stated so the GFLOP/s figure can be
// read; the posterior runs in float64 JS (see runtime/posterior.ts for why), so the comparison
// with a float32 matmul peak shows how far that choice is from the hardware, not a bug.

import * as tf from '../runtime/tf.js';
import type { IrNode } from '../compiler/ir/types.js';
import { executeCell } from '../runtime/execute.js';
import { selectBackend } from '../runtime/backend.js';
import { benchCell, fig1Maps } from './fig1-maps.js';

const arg = process.argv.indexOf('--backend');
const backend = await selectBackend(arg > 0 ? process.argv[arg + 1] : undefined);

function matmulPeak(): number {
  const n = 1024;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  tf.matMul(a, b).dispose(); // warm-up
  const reps = 5;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }
  const s = (performance.now() - t0) / 1000;
  a.dispose();
  b.dispose();
  return (2 * n ** 3 * reps) / s / 1e9;
}

const peak = matmulPeak();
console.log(`backend ${backend}; float32 matmul 1024^3 peak: ${peak.toFixed(2)} GFLOP/s`);

// ---- Fig. 1 maps ---------------------------------------------------------------------------
{
  const { ms, evals, perMap } = await fig1Maps(backend);
  console.log(
    `Fig. 1 maps (4 data sets x 5 times x 100x100): ${ms.toFixed(0)} ms, ${(evals / ms / 1e3).toFixed(2)} M point-evaluations/s`,
  );
  for (const [k, v] of Object.entries(perMap)) console.log(`  ${k}: ${v.toFixed(0)} ms`);
}

// ---- PF-ODE throughput ------------------------------------------------------------------------
for (const [label, points, draws] of [
  ['1D, M = 3 (Fig. 2 data)', [[-1], [0], [1]], 100_000],
  [
    '2D, M = 4 (Fig. 3 data)',
    [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ],
    100_000,
  ],
] as const) {
  const dim = points[0].length;
  const M = points.length;
  const steps = 30;
  const nodes: IrNode[] = [
    { kind: 'data', name: 'data', dim, points: points.map((p) => [...p]), weights: points.map(() => 1 / M) },
    { kind: 'forward', name: 'fwd', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 },
    {
      kind: 'sample',
      name: 's',
      data: 'data',
      forward: 'fwd',
      draws,
      grid: { steps, t_min: 0.01, spacing: 'uniform', rho: 7 },
      solver: 'euler',
      seed: 1,
      histogram: { bins: 200, range: Array.from({ length: dim }, () => [-1.5, 1.5] as [number, number]) },
      method: 'pf_ode',
      model: 'true',
      compat_grid_lookup: null,
    },
  ];
  const { doc, cell: cl } = benchCell(nodes);
  const t0 = performance.now();
  const r = await executeCell(doc, cl, { backend });
  const ms = performance.now() - t0;
  const ps = draws * steps;
  const flops = ps * (M * (5 * dim + 2) + 8 * dim);
  const gflops = flops / (ms / 1000) / 1e9;
  console.log(
    `PF-ODE exact score, ${label}, ${draws} draws x ${steps} euler steps: ${ms.toFixed(0)} ms ` +
      `(sampling node ${r.timings.s.toFixed(0)} ms), ${(ps / ms / 1e3).toFixed(2)} M particle-steps/s, ` +
      `${gflops.toFixed(3)} GFLOP/s = ${((100 * gflops) / peak).toFixed(1)}% of the matmul peak`,
  );
}

// maxRSS is the process's high-water mark in KiB (the work is synchronous, so polling would miss it)
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

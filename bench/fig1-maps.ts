// The Fig. 1 workload shared by bench/runtime.ts and bench/runtime-core.ts: the proxy-score
// variance ratio of the four data sets at five times on a 100 x 100 grid (docs/theory.md 13.1), run
// through executeCell as a study would run it.

import type { IrNode } from '../compiler/ir/types.js';
import { executeCell } from '../runtime/execute.js';

const c = (v: number) => ({ op: 'const' as const, value: v });
const FIG1: IrNode = {
  kind: 'forward',
  name: 'fwd',
  T: 0.99,
  process: 'alpha_sigma',
  alpha: { op: 'sqrt', args: [{ op: 'sub', args: [c(1), { op: 't' }] }] },
  sigma2: { op: 't' },
};
const lin = Array.from({ length: 6 }, (_, i) => -1 + (2 * i) / 5);
const DATASETS: Record<string, number[][]> = {
  polygon: Array.from({ length: 6 }, (_, m) => [Math.cos((2 * Math.PI * m) / 6), Math.sin((2 * Math.PI * m) / 6)]),
  line: lin.map((v) => [v, v]),
  blend: [
    [-1, -1],
    [-1, 0],
    [-1, 1],
    [0, -1],
    [0.5, -1],
    [1, -1],
  ],
  random: [
    [-1, -1],
    [-0.9, 1],
    [-0.3, 0.2],
    [0.1, -0.1],
    [0.2, -0.1],
    [0.9, 0.7],
  ],
};

/** A one-cell IR document around some nodes. */
export function benchCell(nodes: IrNode[]) {
  const c = { id: 'main', index: 0, values: {}, seed: 0, nodes };
  return {
    doc: { ir_version: 1 as const, study: 'bench', source: 'bench.gtv', seed: 0, axes: [], cells: [c], plots: [] },
    cell: c,
  };
}

/**
 * One warm-up run, then one timed run on `backend`: `ms` wall time, `cpu` process seconds, `evals`
 * grid points x times x data sets, and `perMap` the milliseconds of each map.
 */
export async function fig1Maps(
  backend: string,
): Promise<{ ms: number; cpu: number; evals: number; perMap: Record<string, number> }> {
  const nodes: IrNode[] = [FIG1];
  for (const [name, pts] of Object.entries(DATASETS)) {
    nodes.push({ kind: 'data', name, dim: 2, points: pts, weights: pts.map(() => 1 / 6) });
    nodes.push({
      kind: 'map',
      name: `ratio_${name}`,
      quantity: 'score_variance_ratio',
      data: name,
      forward: 'fwd',
      model: null,
      grid: {
        axes: [
          { lo: -2, hi: 2, n: 100 },
          { lo: -2, hi: 2, n: 100 },
        ],
      },
      t: [0.05, 0.1, 0.2, 0.5, 0.75],
      ref: null,
      mc_samples: 0,
      seed: 0,
    });
  }
  const { doc, cell } = benchCell(nodes);
  await executeCell(doc, cell, { backend }); // warm-up (JIT)
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await executeCell(doc, cell, { backend });
  const ms = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const perMap = Object.fromEntries(Object.entries(r.timings).filter(([k]) => k.startsWith('ratio_')));
  return { ms, cpu: (c1.user + c1.system) / 1e6, evals: 4 * 5 * 100 * 100, perMap };
}

// Runtime benchmark (not a test): `npx tsx bench/runtime.ts [members]`.
// Measures the wasm backend's own matmul peak, then one Fig. 2 cell (P = 1024, F = 256) and one
// Fig. 3 cell (P = 500, F = 1000, Gaussian features), 1e5 draws per member, 30 Euler steps, with
// `members` members (default 4; the paper uses 100: times are reported per member and linearly
// extrapolated to 100, since members are independent and run one after another).
import * as tf from '@tensorflow/tfjs';
import type { IrFeatureTree, IrSample } from '../compiler/ir/types.js';
import { selectBackend } from '../runtime/backend.js';
import { makeSchedule } from '../runtime/schedule.js';
import { makeLinearState, type LinearNode } from '../runtime/models/linear-kernel.js';
import { runMembers } from '../runtime/samplers/ensemble.js';

const members = Number(process.argv[2] ?? 4);
const backend = await selectBackend('wasm');
const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
let peakRss = 0;
const rss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const a = tf.randomNormal([1024, 1024]);
const b = tf.randomNormal([1024, 1024]);
tf.matMul(a, b).dataSync();
let t0 = performance.now();
for (let r = 0; r < 5; r++) tf.matMul(a, b).dataSync();
const peak = (5 * 2 * 1024 ** 3) / ((performance.now() - t0) / 1000) / 1e9;
console.log(`backend ${backend}; matmul 1024^3 peak ${peak.toFixed(1)} GFLOP/s`);

const g = (axis: 'x' | 'y' | 't', n: number, over: [number, number], width: number): IrFeatureTree => ({
  op: 'basis', basis: 'gauss', axes: [axis], n, over, width, seed: 0,
});
const cells = [
  {
    name: 'Fig. 2 cell', dim: 1, P: 1024, eps: 1e-2,
    points: [-1, 0, 1],
    tree: { op: 'product', factors: [g('x', 16, [-1.5, 1.5], 0.1), g('t', 16, [1e-2, 1], 0.99 / 30)] } as IrFeatureTree,
    // flops per particle-step: 16 features (3 exps + 16 mults by recurrence) + 16 MACs + update
    flopsPerStep: 16 + 32 + 6, target: 5,
  },
  {
    name: 'Fig. 3 cell', dim: 2, P: 500, eps: 1e-2,
    points: [1, 0, 0, 1, -1, 0, 0, -1],
    tree: { op: 'product', factors: [g('x', 10, [-1.5, 1.5], 1 / 6), g('y', 10, [-1.5, 1.5], 1 / 6), g('t', 10, [0.01, 1], 0.055)] } as IrFeatureTree,
    // 2 x 10 features + the 2 x 10 x 10 bilinear contraction (400 flops) + update
    flopsPerStep: 40 + 400 + 12, target: 10,
  },
];
for (const c of cells) {
  const M = c.points.length / c.dim;
  const data = { points: Float64Array.from(c.points), weights: new Float64Array(M).fill(1 / M), M, dim: c.dim };
  const spec: LinearNode = {
    kind: 'model', name: 'lin', data: 'd', forward: 'f', type: 'linear', features: 'phi',
    samples: c.P, ridge: 0.1, parametrization: 'denoiser', t_range: [c.eps, 1], seed: 1,
  };
  const st = makeLinearState(spec, c.tree, data, vp);
  t0 = performance.now();
  const Ws = Array.from({ length: members }, (_, m) => st.train(m).W);
  const train = (performance.now() - t0) / 1000;
  rss();
  const node = {
    name: 's', draws: 1e5, seed: 3, solver: 'euler',
    grid: { steps: 30, t_min: c.eps, spacing: 'uniform', rho: 7 },
    histogram: { bins: 200, range: [[-1.5, 1.5], [-1.5, 1.5]] },
  } as unknown as IrSample;
  t0 = performance.now();
  runMembers(node, st, members, (m) => Ws[m]);
  const sample = (performance.now() - t0) / 1000;
  rss();
  const per = (train + sample) / members;
  const gflops = (1e5 * 30 * c.flopsPerStep * members) / sample / 1e9;
  console.log(
    `${c.name}: ${members} members: train ${train.toFixed(2)} s, sample ${sample.toFixed(2)} s; ` +
      `per member ${per.toFixed(2)} s -> 100 members ~${(100 * per).toFixed(0)} s (target ${c.target} s); ` +
      `sampling ${gflops.toFixed(2)} GFLOP/s = ${((100 * gflops) / peak).toFixed(1)}% of the matmul peak`,
  );
}
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; tf.memory ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB`);

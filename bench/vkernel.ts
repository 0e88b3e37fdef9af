// Population / V-kernel benchmark (not a test):
// `npx tsx bench/vkernel.ts [--dump file] [--compare file] [--steps]`.
// One thread, in one process run: the effective-SDE population statistics (Sigma_gamma, Wbar,
// Wavg, Xi's ingredients; vkernel/population.ts) and 100 virtual weights for the Fig. 2 cell
// (F = 16 x 16, 1D) and the Fig. 3 cell (F = 10 x 10 x 10, 2D) at mc_samples = 1e4, the
// white-noise variant's intensity table (vkernel/white.ts, as effective_sde sizes it), then a
// 48 x 48 V-kernel map and a 48 x 48 time-correlation map of the Fig. 3 model at mc_samples = 1e4
// (one time each). Prints wall and process CPU time per step and the load average.
// --dump writes the results (Wbar, Wavg, one virtual model, V, V_se) to a JSON file; --compare
// reads such a file and prints the largest relative difference per array (old code vs new).
// --steps first times each cell's population's heavy steps one by one (rows, Gram, Cholesky,
// inverse, leverages; median CPU of 3 runs), with the WebAssembly SIMD kernels and with the JS
// loops (GTV_SIMD=0), and prints the largest difference between the two per step.
import fs from 'node:fs';
import os from 'node:os';
import type { IrFeatureTree, IrMap } from '../compiler/ir/types.js';
import type { NodeContext, NodeValue } from '../runtime/nodes/types.js';
import { makeSchedule } from '../runtime/schedule.js';
import { deriveSeed } from '../runtime/rng.js';
import { makeLinearState, type LinearNode } from '../runtime/models/linear-node.js';
import { population } from '../runtime/vkernel/population.js';
import { drawOmegaWeights, omegaField } from '../runtime/vkernel/omega.js';
import { runVkernelMap } from '../runtime/vkernel/maps.js';
import { whiteIntensity } from '../runtime/vkernel/white.js';
import { stepTimes } from './vkernel-steps.js';

const argv = process.argv.slice(2);
const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const MC = 10_000;
const MEMBERS = 100;
const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const out: Record<string, number[]> = {};
const rows: string[] = [];
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
console.log(`${new Date().toISOString()} load average before: ${load()}`);

function measure<T>(what: string, run: () => T): T {
  const w0 = performance.now();
  const c0 = cpuNow();
  const r = run();
  const wall = (performance.now() - w0) / 1000;
  const cpu = cpuNow() - c0;
  rows.push(`| ${what} | ${wall.toFixed(2)} | ${cpu.toFixed(2)} |`);
  console.log(`${what}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`);
  return r;
}

const g = (axis: 'x' | 'y' | 't', n: number, over: [number, number], width: number): IrFeatureTree => ({
  op: 'basis',
  basis: 'gauss',
  axes: [axis],
  n,
  over,
  width,
  seed: 0,
});
const cells = [
  {
    name: 'Fig. 2',
    dim: 1,
    P: 1024,
    points: [-1, 0, 1],
    tree: { op: 'product', factors: [g('x', 16, [-1.5, 1.5], 0.1), g('t', 16, [1e-2, 1], 0.99 / 30)] } as IrFeatureTree,
  },
  {
    name: 'Fig. 3',
    dim: 2,
    P: 500,
    points: [1, 0, 0, 1, -1, 0, 0, -1],
    tree: {
      op: 'product',
      factors: [g('x', 10, [-1.5, 1.5], 1 / 6), g('y', 10, [-1.5, 1.5], 1 / 6), g('t', 10, [0.01, 1], 0.055)],
    } as IrFeatureTree,
  },
];

if (argv.includes('--steps')) for (const c of cells) stepTimes(c.name, c.tree, c.points, c.dim, MC, vp);

for (const c of cells) {
  const M = c.points.length / c.dim;
  const data = { points: Float64Array.from(c.points), weights: new Float64Array(M).fill(1 / M), M, dim: c.dim };
  const spec: LinearNode = {
    kind: 'model',
    name: 'lin',
    data: 'd',
    forward: 'f',
    type: 'linear',
    features: 'phi',
    samples: c.P,
    ridge: 0.1,
    parametrization: 'denoiser',
    t_range: [1e-2, 1],
    seed: 1,
  };
  const st = makeLinearState(spec, c.tree, data, vp);
  const pop = measure(`${c.name} population (F = ${st.features.F}, mc_samples ${MC})`, () =>
    population(st, MC, deriveSeed(5, 'population')),
  );
  const Ws = measure(`${c.name} ${MEMBERS} virtual weights`, () => {
    const field = omegaField(pop);
    return Array.from({ length: MEMBERS }, (_, m) => drawOmegaWeights(field, deriveSeed(5, 'virtual', m), pop.Wavg));
  });
  const times = Float64Array.from({ length: 31 }, (_, i) => 1 - (0.99 * i) / 30);
  const range = (n: number) => ({ lo: -4, hi: 4, n });
  const white = measure(
    `${c.name} white-noise intensity table (${c.dim === 1 ? 241 : '49 x 49'} points, 31 times)`,
    () => whiteIntensity(pop, c.dim === 1 ? [range(241)] : [range(49), range(49)], times),
  );
  out[`${c.name} white q`] = Array.from(white.q);
  out[`${c.name} Wbar`] = Array.from(pop.Wbar);
  out[`${c.name} Wavg`] = Array.from(pop.Wavg);
  out[`${c.name} W[7]`] = Array.from(Ws[7]);
  if (c.dim !== 2) continue;
  const model = { kind: 'model', type: 'linear', data, schedule: vp, extra: st } as unknown as NodeValue;
  const ctx = { values: new Map([['lin', model]]) } as unknown as NodeContext;
  const axes = [
    { lo: -1.5, hi: 1.5, n: 48 },
    { lo: -1.5, hi: 1.5, n: 48 },
  ];
  const base = {
    kind: 'map',
    name: 'v',
    data: 'd',
    forward: 'f',
    model: 'lin',
    grid: { axes },
    t: [0.1],
    ref: null,
    mc_samples: MC,
    seed: 9,
  };
  for (const [quantity, ref] of [
    ['vkernel', null],
    ['vkernel_time_correlation', { x: [1, 0], t: 0.2 }],
  ] as const) {
    const node = { ...base, quantity, ref } as IrMap;
    const res = (
      await measure(`${c.name} ${quantity} map 48 x 48, 1 time, mc_samples ${MC}`, () => runVkernelMap(node, ctx))
    ).result;
    out[`${quantity} V`] = Array.from(res.arrays.V.data as Float64Array);
    out[`${quantity} V_se`] = Array.from(res.arrays.V_se.data as Float64Array);
  }
}
console.log(`load average after: ${load()}`);
console.log('\n| step | wall s | CPU s |\n| --- | ---: | ---: |\n' + rows.join('\n'));

const dump = opt('--dump');
if (dump) fs.writeFileSync(dump, JSON.stringify(out));
const cmp = opt('--compare');
if (cmp) {
  const old = JSON.parse(fs.readFileSync(cmp, 'utf8')) as Record<string, number[]>;
  for (const [k, v] of Object.entries(out)) {
    const o = old[k];
    if (!o) continue;
    const scale = o.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const diff = v.reduce((m, x, i) => Math.max(m, Math.abs(x - o[i])), 0);
    console.log(`${k}: max |new - old| / max |old| = ${(diff / scale).toExponential(2)}`);
  }
}

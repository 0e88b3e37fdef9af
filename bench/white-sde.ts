// White-noise effective SDE benchmark (not a test): `npx tsx bench/white-sde.ts [reps] [mc_samples] [draws]`.
// One thread, one process run, on examples/anisotropic-forward.gtv's model (rff([x, y, t],
// n = 400, width = 0.5), P = 1000, ring8 rotated 22.5 deg, anisotropic diag [1, 4]; mc_samples
// default 1000 and draws 100, its --scale 0.01 sizes):
//   1. the intensity table (vkernel/white.ts whiteIntensity, 49 x 49 grid, 31 times, 201
//      trapezoid nodes): the old loops (bench/white-old.ts: phi at every grid point and node)
//      against the time split (splitKbar), and the largest difference relative to the largest entry;
//   2. its solve alone: SigmaG^{-1} on 2401 right-hand sides, old one-column against four-column;
//   3. one ensemble member's ridge normal sums (P = 1000, F = 400): one row per sweep against four;
//   4. the whole white-noise SDE (table, population excluded, 30 Euler steps) with the new code,
//      and the old total it implies (new total - new table + old table).
// Process CPU time per call, median of `reps` (default 3), old and new alternating; the load
// average before and after (shared machine: CPU time is the column to trust).
import os from 'node:os';
import type { IrFeatureTree } from '../compiler/ir/types.js';
import { makeSchedule } from '../runtime/schedule.js';
import { makeLinearState, type LinearNode } from '../runtime/models/linear-node.js';
import { population } from '../runtime/vkernel/population.js';
import { whiteIntensity } from '../runtime/vkernel/white.js';
import { sampleWhiteNoise } from '../runtime/samplers/white-noise.js';
import { timeGrid } from '../runtime/timegrid.js';
import { normalSums } from '../runtime/models/linear.js';
import { choleskySolve } from '../runtime/linalg/cholesky.js';
import { normals, uniforms } from '../runtime/rng.js';
import { oldCholeskySolve, oldNormalSums, oldWhiteTable } from './white-old.js';

const REPS = Number(process.argv[2] ?? 3);
const MC = Number(process.argv[3] ?? 1000);
const DRAWS = Number(process.argv[4] ?? 100);
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`${new Date().toISOString()}  load average before: ${load()}  (shared machine)`);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e3;
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** Median CPU ms of old() and new() over REPS alternating runs, and their last results. */
function pair<T>(oldRun: () => T, newRun: () => T): { old: number; new: number; a: T; b: T } {
  const to: number[] = [];
  const tn: number[] = [];
  let a!: T;
  let b!: T;
  for (let r = 0; r < REPS; r++) {
    let c0 = cpu();
    a = oldRun();
    to.push(cpu() - c0);
    c0 = cpu();
    b = newRun();
    tn.push(cpu() - c0);
  }
  return { old: median(to), new: median(tn), a, b };
}

const rows: string[] = [];
function report(what: string, r: { old: number; new: number }, check: string) {
  const line = `| ${what} | ${r.old.toFixed(0)} | ${r.new.toFixed(0)} | ${(r.old / r.new).toFixed(1)} | ${check} |`;
  rows.push(line);
  console.log(line);
}
const relDiff = (u: Float64Array, v: Float64Array) => {
  let top = 0;
  let err = 0;
  v.forEach((x, i) => {
    top = Math.max(top, Math.abs(x));
    err = Math.max(err, Math.abs(u[i] - x));
  });
  return err / top;
};
const differing = (u: Float64Array, v: Float64Array) => u.reduce((n, x, i) => n + (Object.is(x, v[i]) ? 0 : 1), 0);

const schedule = makeSchedule({
  kind: 'forward',
  name: 'aniso',
  process: 'anisotropic',
  T: 1,
  beta_min: 0.1,
  beta_d: 19.9,
  diffusion: [
    [1, 0],
    [0, 4],
  ],
  diffusion_time: 'beta',
});
const ang = Math.PI / 8;
const ring = Float64Array.from(
  Array.from({ length: 8 }, (_, i) => [Math.cos((i * Math.PI) / 4 + ang), Math.sin((i * Math.PI) / 4 + ang)]).flat(),
);
const data = { points: ring, weights: new Float64Array(8).fill(1 / 8), M: 8, dim: 2 };
const tree: IrFeatureTree = {
  op: 'basis',
  basis: 'rff',
  axes: ['x', 'y', 't'],
  n: 400,
  over: [0, 1],
  width: 0.5,
  seed: 11,
};
const node: LinearNode = {
  kind: 'model',
  name: 'lin',
  data: 'tilted',
  forward: 'aniso',
  type: 'linear',
  features: 'phi',
  samples: 1000,
  ridge: 0.1,
  parametrization: 'denoiser',
  t_range: [0.01, 1],
  seed: 5,
};
const state = makeLinearState(node, tree, data, schedule);
let c0 = cpu();
const pop = population(state, MC, 7);
console.log(`population (mc_samples = ${MC}, F = ${pop.F}): ${(cpu() - c0).toFixed(0)} ms CPU (not compared)`);
// As samplers/effective-sde.ts sizes it: the histogram range widened to 4 sd of x_T, 49 points per axis.
const sd = 4 * Math.sqrt(schedule.s2(1) * 4);
const axes = [0, 1].map(() => ({ lo: Math.min(-1.4239, -sd), hi: Math.max(1.4239, sd), n: 49 }));
const times = timeGrid({ steps: 30, t_min: 0.01, spacing: 'uniform', rho: 7 }, 1);

console.log('| step | old ms CPU | new ms CPU | old / new | check |');
console.log('| --- | --- | --- | --- | --- |');
const table = pair(
  () => oldWhiteTable(pop, axes, times),
  () => whiteIntensity(pop, axes, times).q,
);
report('intensity table, 49 x 49 x 31 times', table, `max diff ${relDiff(table.b, table.a).toExponential(1)} of max`);

const G = 49 * 49;
const rhs = normals(3, pop.F * G);
const solve = pair(
  () => {
    const b = Float64Array.from(rhs);
    oldCholeskySolve(pop.cholSigmaG, pop.F, b, G);
    return b;
  },
  () => {
    const b = Float64Array.from(rhs);
    choleskySolve(pop.cholSigmaG, pop.F, b, G);
    return b;
  },
);
report(`its solve, F = ${pop.F}, ${G} right-hand sides`, solve, `${differing(solve.a, solve.b)} entries differ`);

const P = 1000;
const Phi = state.features.evaluate(
  normals(4, 2 * P),
  uniforms(5, P).map((u) => 0.01 + 0.99 * u),
  P,
);
const lambda = uniforms(6, P).map((u) => 1 + 100 * u);
const Y = normals(7, 2 * P);
const sums = pair(
  () => oldNormalSums(Phi, P, pop.F, lambda, Y, 2),
  () => normalSums(Phi, P, pop.F, lambda, Y, 2),
);
report(
  `member ridge normal sums, P = ${P}, F = ${pop.F}`,
  sums,
  `${differing(sums.a.G, sums.b.G) + differing(sums.a.B, sums.b.B)} entries differ`,
);

const total: number[] = [];
for (let r = 0; r < REPS; r++) {
  c0 = cpu();
  sampleWhiteNoise({ pop, draws: DRAWS, times, seed: 9, axes });
  total.push(cpu() - c0);
}
const tNew = median(total);
const tOld = tNew - table.new + table.old;
report(`white-noise SDE, ${DRAWS} draws, 30 steps (old: implied)`, { old: tOld, new: tNew }, 'table included');
console.log(`load average after: ${load()}`);

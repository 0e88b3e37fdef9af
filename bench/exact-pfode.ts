// The exact-score PF-ODE per particle-step, the tensor path (float32 state, float64 score in
// posterior.ts, round trips per step) against the float64 per-particle loops
// (particles/exact-score.ts), from the same initial draws in the same run: M = 3, 64, 1024
// training points, dim 1 and 2, VP, 30 Euler steps on a Karras grid down to t_min = 1e-3.
// Columns: process CPU ns per particle-step of each path (all threads, median of 3), their ratio,
// the loops' wall ns per particle-step on the pool's threads (GTV_THREADS, default all cores), and
// the largest difference between the paths' samples.
import { selectBackend } from '../runtime/backend.js';
import { makeSchedule } from '../runtime/schedule.js';
import { timeGrid } from '../runtime/timegrid.js';
import { samplePfOde } from '../runtime/samplers/pf-ode.js';
import { exactScore } from '../runtime/nodes/basic.js';
import { awaitWorkers, threadCount } from '../runtime/pool/pool.js';

await selectBackend('wasm');
awaitWorkers(60_000);
const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const steps = 30;
const times = timeGrid({ steps, t_min: 1e-3, spacing: 'karras', rho: 7 }, 1);

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function median(run: () => Float32Array): { s: number; wall: number; x: Float32Array } {
  const ts: number[] = [];
  const ws: number[] = [];
  let x!: Float32Array;
  for (let r = 0; r < 3; r++) {
    const c0 = cpu();
    const w0 = performance.now();
    x = run();
    ts.push(cpu() - c0);
    ws.push((performance.now() - w0) / 1000);
  }
  return { s: ts.sort((a, b) => a - b)[1], wall: ws.sort((a, b) => a - b)[1], x };
}

console.log(`threads: ${threadCount()}`);
console.log('| M | dim | draws | tensor CPU ns | loops CPU ns | ratio | loops wall ns | max abs diff |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const M of [3, 64, 1024])
  for (const dim of [1, 2]) {
    const data = {
      points: Float64Array.from({ length: M * dim }, (_, i) => 1.5 * Math.sin(1.7 * i + 0.3)),
      weights: new Float64Array(M).fill(1 / M),
      M,
      dim,
    };
    const draws = Math.max(300, Math.round(3e5 / M));
    const o = {
      schedule: vp,
      dim,
      draws,
      times,
      solver: 'euler' as const,
      seed: 1,
      score: exactScore(data, vp),
      budget: 1e9,
      M,
    };
    const old = median(() => samplePfOde(o));
    const now = median(() => samplePfOde({ ...o, exact: data }));
    let diff = 0;
    for (let i = 0; i < old.x.length; i++) diff = Math.max(diff, Math.abs(old.x[i] - now.x[i]));
    const ns = (s: number) => (s * 1e9) / (draws * steps);
    console.log(
      `| ${M} | ${dim} | ${draws} | ${ns(old.s).toFixed(0)} | ${ns(now.s).toFixed(1)} | ${(old.s / now.s).toFixed(1)} | ${ns(now.wall).toFixed(1)} | ${diff.toExponential(1)} |`,
    );
  }

// Training throughput of an mlp model (runtime/models/mlp) against the backend's own matmul peak,
// measured in the same run: width 128, depth 3, batch 512, 2D data, adam, online samples.
// Rows: the matMul trap (a 512x128 by 128x128 product with transposeA / transposeB set, against
// an explicit tf.transpose first, against no transpose), a bias gradient as tf.sum over rows and
// as 1^T delta, then whole training steps with the backward pass's explicit transposes
// (models/mlp/products.ts, what gtv runs) and with the matMul flags tfjs' own matMul gradient
// uses, interleaved, repeated; medians and ranges.
// --ensemble: instead, the wall time of `gtv run` (built CLI, GTV_THREADS=2) on an 8-member
// ensemble of such networks trained for --steps steps each (5000 in bench/README.md), against 8x
// one member's training time per step measured in this process just before (the ratio is the
// speedup of the two threads, ideally 2), and the training GFLOP/s per core against the matmul
// peak per core with both cores busy (two processes multiplying at once, measured just before).
// Run: npx tsx bench/mlp-train.ts [--backend wasm|cpu] [--repeats n] [--steps n] [--ensemble]

import * as tf from '../runtime/tf.js';
import { selectBackend } from '../runtime/backend.js';
import { makeSchedule } from '../runtime/schedule.js';
import { trainMlp } from '../runtime/models/mlp/train.js';
import { flopsPerStep, type MlpConfig } from '../runtime/models/mlp/config.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
}
const backend = await selectBackend(arg('--backend', 'wasm'));
const repeats = Number(arg('--repeats', '5'));
const steps = Number(arg('--steps', '30'));

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const range = (v: number[], d = 2) => `${Math.min(...v).toFixed(d)}-${Math.max(...v).toFixed(d)}`;

/** ms per call of f (its result read back), after warm-up. */
function msPer(f: () => tf.Tensor, reps: number): number {
  for (let i = 0; i < 3; i++) tf.tidy(() => void f().dataSync());
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => void f().dataSync());
  return (performance.now() - t0) / reps;
}

const big = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1) as tf.Tensor2D;
if (process.argv.includes('--peak-only')) {
  // One process of the two-process peak (--ensemble): 1024^3 products for about 5 s.
  const v: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < 5000) v.push((2 * 1024 ** 3) / (msPer(() => tf.matMul(big, big), 4) * 1e6));
  console.log(median(v));
  process.exit(0);
}
const x = tf.randomNormal([512, 128], 0, 1, 'float32', 2) as tf.Tensor2D;
const w = tf.randomNormal([128, 128], 0, 1, 'float32', 3) as tf.Tensor2D;
const ones = tf.ones([1, 512]) as tf.Tensor2D;
const rows: Record<string, number[]> = {
  peak: [],
  plain: [],
  flagB: [],
  flagA: [],
  explicitB: [],
  explicitA: [],
  sum: [],
  onesT: [],
};
for (let r = 0; r < repeats; r++) {
  rows.peak.push((2 * 1024 ** 3) / (msPer(() => tf.matMul(big, big), 4) * 1e6));
  rows.plain.push(msPer(() => tf.matMul(x, w), 40));
  rows.flagB.push(msPer(() => tf.matMul(x, w, false, true), 40));
  rows.flagA.push(msPer(() => tf.matMul(x, x, true, false), 40));
  rows.explicitB.push(msPer(() => tf.matMul(x, tf.transpose(w)), 40));
  rows.explicitA.push(msPer(() => tf.matMul(tf.transpose(x), x), 40));
  rows.sum.push(msPer(() => tf.sum(x, 0), 40));
  rows.onesT.push(msPer(() => tf.matMul(ones, x), 40));
}
const peak = median(rows.peak);
console.log(`backend ${backend}; ${repeats} repeats; medians (ranges)`);
console.log(`matmul peak 1024^3: ${peak.toFixed(1)} GFLOP/s (${range(rows.peak, 1)})`);
const plain = median(rows.plain);
for (const [k, label] of [
  ['plain', 'x W            512x128 . 128x128'],
  ['flagB', 'x W^T (flag)   transposeB'],
  ['explicitB', 'x tf.transpose(W) (gtv)'],
  ['flagA', 'x^T x (flag)   transposeA, 128x512 . 512x128'],
  ['explicitA', 'tf.transpose(x) x (gtv)'],
  ['sum', 'tf.sum(x, 0)   bias gradient, 512x128'],
  ['onesT', '1^T x          the same as a product (gtv)'],
] as const) {
  const m = median(rows[k]);
  console.log(`  ${label.padEnd(46)} ${m.toFixed(3)} ms (${range(rows[k], 3)})  x${(m / plain).toFixed(2)} of plain`);
}
tf.dispose([big, x, w, ones]);

const sched = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const data = {
  points: Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1]),
  weights: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
  M: 4,
  dim: 2,
};
const cfg: MlpConfig = {
  dim: 2,
  width: 128,
  depth: 3,
  activation: 'relu',
  time: 'log_sigma',
  embed: 16,
  x_scale: 1,
  output: 'denoiser',
  t_range: [0.01, 1],
  samples: 0,
  optimizer: 'adam',
  lr: 1e-3,
  steps,
  batch: 512,
  weight_decay: 0,
  center: false,
};
if (process.argv.includes('--ensemble')) {
  await ensembleWall();
  process.exit(0);
}
const flop = flopsPerStep(cfg, cfg.batch);
const times: Record<'explicit' | 'flagged', number[]> = { explicit: [], flagged: [] };
trainMlp({ ...cfg, steps: 5 }, data, sched, 1); // warm-up
trainMlp({ ...cfg, steps: 5 }, data, sched, 1, { transposes: 'flagged' });
for (let r = 0; r < repeats; r++)
  for (const g of ['explicit', 'flagged'] as const) {
    const t0 = performance.now();
    trainMlp(cfg, data, sched, 1, { transposes: g });
    times[g].push((performance.now() - t0) / steps);
  }
console.log(
  `training step, width 128, depth 3, batch 512 (${(flop / 1e6).toFixed(1)} MFLOP of matMuls per step), ${steps} steps x ${repeats}:`,
);
for (const g of ['explicit', 'flagged'] as const) {
  const ms = median(times[g]);
  const gf = flop / (ms * 1e6);
  console.log(
    `  ${g.padEnd(9)} ${ms.toFixed(2)} ms/step (${range(times[g])})  ${((cfg.batch * 1000) / ms).toFixed(0)} samples/s  ` +
      `${gf.toFixed(1)} GFLOP/s = ${((100 * gf) / peak).toFixed(0)}% of the matmul peak`,
  );
}
console.log(`  flagged / explicit: x${(median(times.flagged) / median(times.explicit)).toFixed(2)}`);

/** The 8-member ensemble through the CLI on 2 threads, against 8 sequential members of this process. */
async function ensembleWall(): Promise<void> {
  const { spawn, spawnSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const probe = 200;
  trainMlp({ ...cfg, steps: 5 }, data, sched, 1);
  const t0 = performance.now();
  trainMlp({ ...cfg, steps: probe }, data, sched, 1);
  const msStep = (performance.now() - t0) / probe;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-mlp-bench-'));
  const file = path.join(dir, 'ensemble.gtv');
  fs.writeFileSync(
    file,
    `study mlp_bench {\n  data sq = polygon(n = 4, radius = 1)\n  forward vp = vp()\n` +
      `  model net = mlp(width = 128, depth = 3, embed = 16, batch = 512, steps = ${steps}, lr = 1e-3)\n` +
      `  sample s = ensemble(net, members = 8, draws = 100, steps = 10, bins = 20, range = -1.5 .. 1.5)\n}\n`,
  );
  const both = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          const c = spawn(process.execPath, [
            ...process.execArgv,
            process.argv[1],
            '--peak-only',
            '--backend',
            backend,
          ]);
          let out = '';
          c.stdout.on('data', (d: Buffer) => (out += String(d)));
          c.on('error', reject);
          c.on('exit', () => resolve(Number(out.trim().split('\n').pop())));
        }),
    ),
  );
  const peak2 = (both[0] + both[1]) / 2;
  const w0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['bin/gtv.js', 'run', file, '-o', path.join(dir, 'out'), '--cache', path.join(dir, 'c'), '--backend', backend],
    {
      env: { ...process.env, GTV_THREADS: '2' },
      encoding: 'utf8',
    },
  );
  const wall = (performance.now() - w0) / 1000;
  if (r.status !== 0) throw new Error(`gtv run failed: ${r.stderr}`);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'cells', 'main', 'result.json'), 'utf8'));
  const node = result.timings.s / 1000;
  const sequential = (8 * steps * msStep) / 1000;
  const perCore = (8 * steps * flopsPerStep(cfg, cfg.batch)) / (2 * node * 1e9);
  console.log(
    `8 members x ${steps} steps (width 128, depth 3, batch 512, adam, online), GTV_THREADS=2, backend ${backend}:\n` +
      `  gtv run wall ${wall.toFixed(1)} s, ensemble node ${node.toFixed(1)} s\n` +
      `  one member in this process: ${msStep.toFixed(2)} ms/step (${probe} steps) -> 8 sequential members ${sequential.toFixed(1)} s\n` +
      `  speedup of the ensemble node over 8 sequential members: x${(sequential / node).toFixed(2)}\n` +
      `  matmul peak per core with both cores busy (two processes at once): ${both.map((g) => g.toFixed(1)).join(', ')} GFLOP/s\n` +
      `  training per core, both busy: ${perCore.toFixed(1)} GFLOP/s = ${((100 * perCore) / peak2).toFixed(0)}% of that peak ` +
      `(${((100 * perCore) / peak).toFixed(0)}% of the one-thread peak)`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

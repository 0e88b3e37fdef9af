// Tabulated velocity fields (runtime/particles/table.ts) against exact evaluation, not a test:
// `npx tsx bench/tables.ts [--loops-only] [--members N] [--repeat R] [cell ...]` (cells: fig2,
// fig3, fig3f).
//
// 0. The CPU's WebAssembly SIMD float64 rate (vector ops per ns), and from it the table kernels'
//    arithmetic lower bound per particle-step (their vector operations over that rate).
// 1. Loops (one thread): per cell, one trained member's step weights and its 1e5 initial draws;
//    two untimed rounds of the table paths, then interleaved repeats of: the exact loop in
//    WebAssembly SIMD, the exact JS loop, the JS table build, the JS table loop, and the table
//    path as members run it (build and loop through the module). CPU ns per particle-step
//    (median of the repeats), the share of evaluations outside the tables (exact), the ratios.
// 2. Whole cells (all threads): the cell's trained ensemble and Gaussian-field effective SDE with
//    `eval = "exact"` and `eval = "table"` (default nodes), one after the other, as runMembers
//    runs them in a study (training or virtual-model draws included; the population is computed
//    once, outside the timing): wall and CPU s, and the TV of the table's ensemble-mean histogram
//    against exact evaluation (same initial draws) beside the half-split noise floor (TV between
//    the means of the exact run's even and odd members).
import type { IrFeatureTree, IrSample } from '../compiler/ir/types.js';
import { makeSchedule } from '../runtime/schedule.js';
import { deriveSeed } from '../runtime/rng.js';
import { makeLinearState, type LinearNode, type LinearState } from '../runtime/models/linear-node.js';
import { runMembers } from '../runtime/samplers/ensemble.js';
import { population } from '../runtime/vkernel/population.js';
import { omegaField } from '../runtime/vkernel/omega.js';
import { threadCount } from '../runtime/pool/pool.js';
import { timeGrid } from '../runtime/timegrid.js';
import { stepPlan } from '../runtime/particles/steps.js';
import { initialDraws, prepareJob, stepWeights, type MemberJob } from '../runtime/particles/member.js';
import { integrateParticles } from '../runtime/particles/integrate.js';
import { buildTables, integrateTable, tableScratch } from '../runtime/particles/table.js';
import { runTables, tableStats } from '../runtime/particles/table-loops.js';
import { setSimd } from '../runtime/particles/wasm/simd.js';
import { selectBackend } from '../runtime/backend.js';
import os from 'node:os';
import wabtInit from 'wabt';

const argv = process.argv.slice(2);
const opt = (name: string, d: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const loopsOnly = argv.includes('--loops-only');
const members = opt('--members', 100);
const repeat = opt('--repeat', 5);
const wanted = argv.filter(
  (a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--m') && !argv[i - 1]?.startsWith('--r'),
);
await selectBackend('wasm');

const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const g = (axis: 'x' | 'y' | 't', n: number, over: [number, number], width: number): IrFeatureTree => ({
  op: 'basis',
  basis: 'gauss',
  axes: [axis],
  n,
  over,
  width,
  seed: 0,
});
const f = (axis: 'x' | 'y' | 't', n: number, over: [number, number]): IrFeatureTree => ({
  op: 'basis',
  basis: 'fourier',
  axes: [axis],
  n,
  over,
  width: 0,
  seed: 0,
});
const square = [1, 0, 0, 1, -1, 0, 0, -1];
// examples/fig2-gap-filling.gtv (the hardest cut, eps = 1e-3, and the smallest P) and
// examples/fig3-rotated-square.gtv (0 degrees)
const CELLS = [
  {
    name: 'fig2',
    what: 'Fig. 2 cell, eps 1e-3, P 64 (1D Gaussian 16 x 16)',
    dim: 1,
    P: 64,
    eps: 1e-3,
    points: [-1, 0, 1],
    tree: {
      op: 'product',
      factors: [g('x', 16, [-1.5, 1.5], 0.1), g('t', 16, [1e-3, 1], 0.999 / 30)],
    } as IrFeatureTree,
  },
  {
    name: 'fig3',
    what: 'Fig. 3 cell, Gaussian (2D 10 x 10 x 10)',
    dim: 2,
    P: 500,
    eps: 1e-2,
    points: square,
    tree: {
      op: 'product',
      factors: [g('x', 10, [-1.5, 1.5], 1 / 6), g('y', 10, [-1.5, 1.5], 1 / 6), g('t', 10, [0.01, 1], 0.055)],
    } as IrFeatureTree,
  },
  {
    name: 'fig3f',
    what: 'Fig. 3 cell, Fourier (2D 10 x 10 x 10)',
    dim: 2,
    P: 500,
    eps: 1e-2,
    points: square,
    tree: {
      op: 'product',
      factors: [f('x', 10, [-1.5, 1.5]), f('y', 10, [-1.5, 1.5]), f('t', 10, [0.01, 1])],
    } as IrFeatureTree,
  },
].filter((c) => wanted.length === 0 || wanted.includes(c.name));

const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const DRAWS = 1e5;
const STEPS = 30;

// The CPU's WebAssembly SIMD rate for independent float64 vector arithmetic: 12 chains of
// f64x2 multiply-then-add (no chain waits on another), vector operations per CPU ns.
async function simdOpsPerNs(): Promise<number> {
  const wabt = await wabtInit();
  const chains = 12;
  const locals = Array.from({ length: chains }, (_, k) => `(local $a${k} v128)`).join(' ');
  const init = Array.from({ length: chains }, (_, k) => `(local.set $a${k} (f64x2.splat (f64.const ${k + 1})))`).join(
    ' ',
  );
  const body = Array.from(
    { length: chains },
    (_, k) => `(local.set $a${k} (f64x2.add (f64x2.mul (local.get $a${k}) (local.get $m)) (local.get $c)))`,
  ).join(' ');
  const sum = Array.from({ length: chains }, (_, k) => `(local.get $a${k})`).reduce(
    (acc, v) => `(f64x2.add ${acc} ${v})`,
  );
  const wat = `(module (func (export "run") (param $n i32) (result f64) ${locals} (local $m v128) (local $c v128)
    (local.set $m (f64x2.splat (f64.const 0.999))) (local.set $c (f64x2.splat (f64.const 0.001))) ${init}
    (loop $l ${body} (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (f64x2.extract_lane 0 ${sum})))`;
  const mod = wabt.parseWat('peak.wat', wat, { simd: true });
  const bytes = new Uint8Array(mod.toBinary({}).buffer);
  mod.destroy();
  const run = (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as { run: (n: number) => number }).run;
  const n = 2e7;
  run(1e6);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const c0 = cpuNow();
    run(n);
    best = Math.max(best, (2 * chains * n) / ((cpuNow() - c0) * 1e9));
  }
  return best;
}
const peak = await simdOpsPerNs();
// Vector operations the table kernels (runtime/particles/wasm/particles.wat) execute per
// particle-step, loads and stores not counted (the CPU issues them beside arithmetic), counted
// from the code: 1D, per pair of particles: coordinate 2, range test 3, index and fraction 2,
// 4 lane shuffles, Horner 6, update 4 = 21, so 10.5 per particle; 2D, per particle: coordinate
// and range 6, index and fraction 2, the weights of both axes 12, 8 weight splats, 4 rows of 4
// multiplies and 3 adds, 4 + 3 to combine the rows, update 4 = 70.
const OPS = { 1: 10.5, 2: 70 } as Record<number, number>;

console.log(
  `load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}; ${threadCount()} threads; ${new Date().toISOString()}`,
);
console.log(
  `WebAssembly SIMD float64 arithmetic: ${peak.toFixed(2)} vector ops per ns (12 independent f64x2 multiply-add chains); ` +
    `table lower bound: 1D ${(OPS[1] / peak).toFixed(2)} ns, 2D ${(OPS[2] / peak).toFixed(2)} ns per particle-step`,
);

function stateOf(c: (typeof CELLS)[number]): LinearState {
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
    t_range: [c.eps, 1],
    seed: 1,
  };
  return makeLinearState(spec, c.tree, data, vp);
}

for (const c of CELLS) {
  const st = stateOf(c);
  const plan = stepPlan(
    vp,
    timeGrid({ steps: STEPS, t_min: c.eps, spacing: 'uniform', rho: 7 }, 1),
    'euler',
    'denoiser',
    c.dim,
  );
  const W = st.train(0).W;
  const job: MemberJob = {
    tree: st.tree,
    dim: c.dim,
    draws: DRAWS,
    plan,
    init: { sd: Math.sqrt(vp.s2(1)), L: null },
    seeds: Float64Array.from([deriveSeed(3, 'member', 0)]),
    histogram: null,
    binCount: 0,
    samples: new Float32Array(0),
    keep: null,
    density: new Float64Array(0),
    weights: { kind: 'given', W },
    table: { points: null },
  };
  const prep = prepareJob(job);
  const axes = prep.tables!;
  const Wv = stepWeights(job, prep, W);
  const x0 = initialDraws(job, 0);
  const scratch = tableScratch();
  const per = DRAWS * STEPS;
  const t = {
    simd: [] as number[],
    js: [] as number[],
    build: [] as number[],
    table: [] as number[],
    tsimd: [] as number[],
  };
  let maxDiff = 0;
  let sameBits = true;
  // warm-up: two untimed rounds, so every loop (and the exact steps of particles outside a
  // table) runs compiled code when timed
  for (let r = 0; r < 2; r++) {
    integrateTable(x0.slice(), DRAWS, c.dim, axes, prep.space!, Wv, plan, scratch);
    runTables(x0.slice(), DRAWS, axes, prep.space!, Wv, plan, buildTables(axes, Wv, plan.a.length, scratch));
  }
  for (let r = 0; r < repeat; r++) {
    let x = x0.slice();
    let c0 = cpuNow();
    integrateParticles(x, DRAWS, c.dim, prep.space!, Wv, plan);
    t.simd.push(((cpuNow() - c0) / per) * 1e9);
    const exact = x;
    setSimd(false);
    x = x0.slice();
    c0 = cpuNow();
    integrateParticles(x, DRAWS, c.dim, prep.space!, Wv, plan);
    t.js.push(((cpuNow() - c0) / per) * 1e9);
    setSimd(true);
    c0 = cpuNow();
    const tables = buildTables(axes, Wv, plan.a.length, scratch);
    t.build.push((cpuNow() - c0) * 1e3);
    x = x0.slice();
    c0 = cpuNow();
    runTables(x, DRAWS, axes, prep.space!, Wv, plan, tables);
    t.table.push(((cpuNow() - c0) / per) * 1e9);
    for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - exact[i]));
    const tableJs = x;
    x = x0.slice();
    c0 = cpuNow();
    integrateTable(x, DRAWS, c.dim, axes, prep.space!, Wv, plan, scratch);
    t.tsimd.push(((cpuNow() - c0) / per) * 1e9);
    for (let i = 0; i < x.length; i++) if (x[i] !== tableJs[i]) sameBits = false;
  }
  const stats = tableStats(
    x0.slice(),
    DRAWS,
    axes,
    prep.space!,
    Wv,
    plan,
    buildTables(axes, Wv, plan.a.length, scratch),
  );
  const sizes = axes.map((a) => `${a.G}${a.periodic ? ' per period' : ''} (spacing ${a.s.toPrecision(3)})`).join(' x ');
  const [simd, js, build, table, tsimd] = [t.simd, t.js, t.build, t.table, t.tsimd].map(median);
  const buildNs = (build * 1e6) / per;
  const jsTotal = table + buildNs;
  console.log(
    `\n${c.what}: table nodes ${sizes}; ${(100 * stats.outside).toFixed(2)}% of particle-steps outside (exact)`,
  );
  console.log(
    `  ns per particle-step (median of ${repeat}, one thread): exact SIMD ${simd.toFixed(1)}, exact JS ${js.toFixed(1)}; ` +
      `table SIMD (build and loop) ${tsimd.toFixed(2)}; table JS: build ${buildNs.toFixed(2)} (${build.toFixed(1)} ms per member) + loop ${table.toFixed(2)} = ${jsTotal.toFixed(2)}`,
  );
  console.log(
    `  table SIMD ${(simd / tsimd).toFixed(1)}x faster than exact SIMD, ${(tsimd / (OPS[c.dim] / peak)).toFixed(1)}x its arithmetic lower bound; table JS ${(js / jsTotal).toFixed(1)}x faster than exact JS; ` +
      `SIMD and JS tables ${sameBits ? 'bit-identical' : 'DIFFER'}; max |x_table - x_exact| ${maxDiff.toExponential(2)}`,
  );
  if (loopsOnly) continue;

  const node = (ev: 'exact' | 'table', method: 'ensemble' | 'effective_sde') =>
    ({
      kind: 'sample',
      name: 's',
      data: 'd',
      forward: 'f',
      draws: DRAWS,
      seed: 3,
      solver: 'euler',
      grid: { steps: STEPS, t_min: c.eps, spacing: 'uniform', rho: 7 },
      histogram: {
        bins: 200,
        range: [
          [-1.5, 1.5],
          [-1.5, 1.5],
        ].slice(0, c.dim),
      },
      method,
      model: 'lin',
      members,
      variant: 'gaussian_field',
      mc_samples: 10000,
      eval: ev,
      table_points: null,
    }) as unknown as IrSample;
  const pop = population(st, 10000, deriveSeed(5, 'population'));
  const virtual = {
    field: omegaField(pop),
    mean: pop.Wavg,
    seeds: Array.from({ length: members }, (_, m) => deriveSeed(5, 'virtual', m)),
  };
  for (const kind of ['trained', 'effective SDE'] as const) {
    const out: Record<string, { wall: number; cpu: number; density: Float64Array; bins: number }> = {};
    for (const ev of ['exact', 'table'] as const) {
      const w0 = performance.now();
      const c0 = cpuNow();
      const res =
        kind === 'trained'
          ? runMembers(node(ev, 'ensemble'), st, members, 'train')
          : runMembers(node(ev, 'effective_sde'), st, members, virtual);
      out[ev] = {
        wall: (performance.now() - w0) / 1000,
        cpu: cpuNow() - c0,
        density: res.memberDensity,
        bins: res.binCount,
      };
    }
    const B = out.exact.bins;
    const binArea = (3 / 200) ** c.dim;
    const mean = (d: Float64Array, from: number, step: number) => {
      const m = new Float64Array(B);
      let k = 0;
      for (let j = from; j < members; j += step, k++) for (let i = 0; i < B; i++) m[i] += d[j * B + i];
      return m.map((v) => v / k);
    };
    const tv = (a: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < B; i++) s += Math.abs(a[i] - b[i]);
      return 0.5 * s * binArea;
    };
    const meanTv = tv(mean(out.exact.density, 0, 1), mean(out.table.density, 0, 1));
    const floor = tv(mean(out.exact.density, 0, 2), mean(out.exact.density, 1, 2));
    console.log(
      `  ${kind}, ${members} members: exact ${out.exact.wall.toFixed(2)} s wall / ${out.exact.cpu.toFixed(2)} s CPU, ` +
        `table ${out.table.wall.toFixed(2)} / ${out.table.cpu.toFixed(2)} s (${(out.exact.wall / out.table.wall).toFixed(1)}x wall, ` +
        `${(out.exact.cpu / out.table.cpu).toFixed(1)}x CPU); mean-histogram TV table vs exact ${meanTv.toExponential(2)}, half-split floor ${floor.toFixed(3)}`,
    );
  }
}
process.exit(0);

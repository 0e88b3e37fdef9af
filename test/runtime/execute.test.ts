import { expect } from 'chai';
import * as tf from '../../runtime/tf.js';
import type { IrMap, IrMetric, IrNode } from '../../compiler/ir/types.js';
import { executeCell } from '../../runtime/execute.js';
import { MemoryLimitError, NonFiniteError, RuntimeError, RuntimeInterrupted } from '../../runtime/errors.js';
import { dataNode, docOf, pfOdeNode, useWasm, executeError } from './helpers.js';

const t = { op: 't' } as const;
const FIG1: IrNode = {
  kind: 'forward',
  name: 'fwd',
  T: 0.99,
  process: 'alpha_sigma',
  alpha: { op: 'sqrt', args: [{ op: 'sub', args: [{ op: 'const', value: 1 }, t] }] },
  sigma2: t,
};
const square = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];
const grid2 = {
  axes: [
    { lo: -2, hi: 2, n: 7 },
    { lo: -2, hi: 2, n: 5 },
  ],
};
function map(name: string, quantity: IrMap['quantity'], ts = [0.05, 0.5]): IrMap {
  return {
    kind: 'map',
    name,
    quantity,
    data: 'data',
    forward: 'fwd',
    model: null,
    grid: grid2,
    t: ts,
    ref: null,
    mc_samples: 0,
    seed: 0,
  };
}
const hist2 = {
  bins: 20,
  range: [
    [-1.5, 1.5],
    [-1.5, 1.5],
  ] as [number, number][],
};
function metric(name: string, m: IrMetric['metric'], against: string | null = null, radius = 0.2): IrMetric {
  return {
    kind: 'metric',
    name,
    metric: m,
    of: 'samples',
    against,
    data: 'data',
    forward: 'fwd',
    radius,
    histogram: hist2,
  };
}

describe('runtime/execute', () => {
  useWasm();

  it('runs a whole cell through the node implementation table with documented output shapes and no tensor leak', async () => {
    const before = tf.memory().numTensors;
    const { doc, cell } = docOf([
      dataNode('data', square),
      FIG1,
      map('ratio', 'score_variance_ratio'),
      map('cov', 'proxy_covariance'),
      map('w', 'posterior_weights'),
      map('s', 'score'),
      pfOdeNode({
        draws: 2000,
        grid: { steps: 20, t_min: 0.01, spacing: 'karras', rho: 7 },
        histogram: hist2,
        solver: 'heun',
      }),
      pfOdeNode({
        name: 'samples2',
        draws: 2000,
        seed: 99,
        grid: { steps: 20, t_min: 0.01, spacing: 'karras', rho: 7 },
        histogram: hist2,
      }),
      metric('mem', 'memorized_fraction'),
      metric('gap', 'gap_mass'),
      metric('near', 'nearest_distance'),
      metric('tv', 'total_variation', 'true_density'),
      metric('tv2', 'total_variation', 'samples2'),
      metric('kl', 'kl', 'true_density'),
      metric('mmd', 'mmd', 'samples2'),
      metric('dim', 'effective_dimension'),
    ]);
    const r = await executeCell(doc, cell, { backend: 'wasm' });
    expect(tf.memory().numTensors).to.equal(before);
    expect(r.backend).to.equal('wasm');
    expect(Object.keys(r.timings)).to.have.length(cell.nodes.length);
    const n = r.nodes;
    expect(n.ratio.arrays.values.shape).to.deep.equal([2, 7, 5]);
    expect(n.cov.arrays.values.shape).to.deep.equal([2, 7, 5]);
    expect(n.cov.arrays.matrix.shape).to.deep.equal([2, 7, 5, 2, 2]);
    expect(n.w.arrays.values.shape).to.deep.equal([2, 7, 5, 4]);
    expect(n.s.arrays.values.shape).to.deep.equal([2, 7, 5, 2]);
    expect(n.ratio.arrays.grid_x.shape).to.deep.equal([7]);
    expect(n.ratio.arrays.grid_y.shape).to.deep.equal([5]);
    expect(Array.from(n.ratio.arrays.t.data)).to.deep.equal([0.05, 0.5]);
    // the centre of the square (grid index (3, 2)) has equal weights and zero score: ratio 1
    expect(n.ratio.arrays.values.data[3 * 5 + 2]).to.be.closeTo(1, 1e-12);
    expect(n.w.arrays.values.data[(3 * 5 + 2) * 4]).to.be.closeTo(0.25, 1e-12);
    expect(n.samples.arrays.density.shape).to.deep.equal([20, 20]);
    expect(n.samples.arrays.edges_x.shape).to.deep.equal([21]);
    expect(n.samples.arrays.edges_y.shape).to.deep.equal([21]);
    expect(n.samples.arrays.samples.shape).to.deep.equal([2000, 2]);
    // density integrates to the fraction inside the range (bin area 0.15^2)
    const mass = Array.from(n.samples.arrays.density.data).reduce((p, v) => p + v * 0.0225, 0);
    expect(mass).to.be.closeTo(n.samples.scalars.inside_fraction, 1e-9);
    for (const m of ['mem', 'gap', 'near', 'tv', 'tv2', 'kl', 'mmd', 'dim'])
      expect(n[m].scalars.value, m).to.be.a('number').and.not.NaN;
    // PF-ODE with the exact score memorizes: at t = 0.01 (sigma = 0.1 per axis) the distance to
    // the nearest point is Rayleigh, P(r <= 0.2) = 1 - exp(-2) = 0.865 (the alpha = 0.995 shrink
    // moves centres by 0.005, negligible); tolerance 5 binomial SE + 0.01 integration bias.
    const p = 1 - Math.exp(-2);
    expect(n.mem.scalars.value).to.be.closeTo(p, 5 * Math.sqrt((p * (1 - p)) / 2000) + 0.01);
    expect(n.gap.scalars.value).to.be.below(1 - p);
    expect(n.dim.scalars.value).to.be.within(1.8, 2);
  });

  it('refuses invalid references before running anything', async () => {
    const { doc, cell } = docOf([dataNode('data', square), pfOdeNode({ forward: 'nope' }), map('m', 'score')]);
    const err = await executeError(doc, cell, { backend: 'wasm' });
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as Error).message).to.include("node 'samples': 'nope' is not an earlier forward node");
    expect((err as Error).message).to.include("node 'm': 'fwd' is not an earlier forward node");
  });

  it('runs the compiler schema validation first (a NaN coordinate is refused)', async () => {
    const { doc, cell } = docOf([dataNode('data', [[0, NaN]]), FIG1, map('m', 'score')]);
    const err = await executeError(doc, cell, { backend: 'wasm' });
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as Error).message).to.match(/invalid IR for cell 'main'/);
  });

  it('reports an array it cannot allocate as a memory limit naming the node, not a bare RangeError', async () => {
    // IR the checker would refuse (GTV0410): 1e12 draws cannot be one typed array.
    const { doc, cell } = docOf([dataNode('data', square), FIG1, pfOdeNode({ draws: 1e12, histogram: hist2 })]);
    const err = await executeError(doc, cell, { backend: 'wasm' });
    expect(err).to.be.instanceOf(MemoryLimitError);
    expect((err as Error).message).to.match(
      /^node 'samples': cannot allocate one of its arrays \(Invalid typed array length: 2000000000000\); lower the sizes/,
    );
  });

  it('names step, time and cause when a map overflows at tiny noise', async () => {
    // EDM at t = 1e-200: S_t = 1e-400 underflows to 0 and the score divides by it.
    const { doc, cell } = docOf([
      dataNode('data', square),
      { kind: 'forward', name: 'fwd', T: 80, process: 'edm' },
      map('s', 'score', [1, 1e-200]),
    ]);
    const err = await executeError(doc, cell, { backend: 'wasm' });
    expect(err).to.be.instanceOf(NonFiniteError);
    expect((err as Error).message).to.match(
      /node 's': non-finite map 's' \(score\) at step 1 \(t = 1\.000e-200\): the noise variance S_t = 0\.00e\+0/,
    );
  });

  it('reports progress over every chunk and stops mid-sampling when interrupted, freeing tensors', async () => {
    const { doc, cell } = docOf([
      dataNode('data', square),
      FIG1,
      pfOdeNode({ draws: 1000, grid: { steps: 10, t_min: 0.05, spacing: 'uniform', rho: 7 }, histogram: hist2 }),
    ]);
    const events: [string, number][] = [];
    const progress = {
      start: (_: string, total: number) => events.push(['start', total]),
      tick: (d: number) => events.push(['tick', d]),
      end: () => events.push(['end', 0]),
    };
    // ~250 bytes per 2D particle: a 50 kB budget gives 5 chunks of 200 -> 50 step ticks
    await executeCell(doc, cell, { backend: 'wasm', memoryBudget: 50_000, progress });
    const start = events.find((e) => e[0] === 'start')!;
    const ticks = events.filter((e) => e[0] === 'tick');
    expect(ticks.length).to.equal(start[1]);
    expect(ticks.at(-1)![1]).to.equal(start[1]);
    expect(start[1] % 10).to.equal(0);
    expect(start[1]).to.be.above(10);
    const before = tf.memory().numTensors;
    let steps = 0;
    const err = await executeError(doc, cell, {
      backend: 'wasm',
      progress: { ...progress, tick: () => steps++ },
      interrupted: () => steps >= 3,
    });
    expect(err).to.be.instanceOf(RuntimeInterrupted);
    expect(steps).to.equal(3);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses, with a clear message, only work whose smallest unit exceeds the budget', async () => {
    const { doc, cell } = docOf([dataNode('data', square), FIG1, pfOdeNode({ draws: 100, histogram: hist2 })]);
    const err = await executeError(doc, cell, { backend: 'wasm', memoryBudget: 16 });
    expect(err).to.be.instanceOf(MemoryLimitError);
    expect((err as Error).message).to.match(
      /node 'samples': PF-ODE particles: one unit of work needs \d+ B but the memory budget is 16 B/,
    );
  });

  it('gives identical maps with and without chunking, and stops when interrupted', async () => {
    const { doc, cell } = docOf([dataNode('data', square), FIG1, map('cov', 'proxy_covariance')]);
    const a = await executeCell(doc, cell, { backend: 'wasm' });
    const b = await executeCell(doc, cell, { backend: 'wasm', memoryBudget: 1000 });
    expect(
      Buffer.from(a.nodes.cov.arrays.matrix.data.buffer).equals(Buffer.from(b.nodes.cov.arrays.matrix.data.buffer)),
    ).to.equal(true);
    let calls = 0;
    const err = await executeError(doc, cell, { backend: 'wasm', interrupted: () => ++calls > 2 });
    expect(err).to.be.instanceOf(RuntimeInterrupted);
  });
});

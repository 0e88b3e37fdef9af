import { expect } from 'chai';
import type { IrCell, IrDocument, IrMetric } from '../../compiler/ir/types.js';
import { compileSource } from '../../compiler/driver.js';
import { executeCell } from '../../runtime/execute.js';
import { makeSchedule } from '../../runtime/schedule.js';
import { runMetric } from '../../runtime/nodes/metrics.js';
import type { NodeContext, NodeValue, SampleValue } from '../../runtime/nodes/types.js';
import {
  effectiveDimension,
  effectiveDimensionOfSums,
  mmd2,
  mmd2Weighted,
  momentSums,
  sampleBinProbabilities,
} from '../../runtime/metrics.js';
import { bootstrap, groupsOf, meanError, pooledBins } from '../../runtime/metric-errors.js';
import { normals } from '../../runtime/rng.js';
import type { NodeResult } from '../../runtime/results.js';
import { useWasm, VP } from './helpers.js';

const line = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
const sd = (a: number[]) => {
  const m = a.reduce((x, y) => x + y, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** Runs one metric on a hand-made sample set (no sampler involved). */
function measure(metric: IrMetric['metric'], sample: SampleValue, radius = 0.1): NodeResult {
  const node: IrMetric = {
    kind: 'metric',
    name: 'm',
    metric,
    of: 's',
    against: 'true_density',
    data: 'data',
    forward: 'fwd',
    radius,
    histogram: { bins: 20, range: [[-2, 2]] },
  };
  const values = new Map<string, NodeValue>([
    ['data', { kind: 'data', set: line }],
    ['fwd', { kind: 'forward', schedule: makeSchedule(VP) }],
    ['s', sample],
  ]);
  const cell = { id: 'main', index: 0, values: {}, seed: 3, nodes: [] } as IrCell;
  const ctx = {
    doc: {} as IrDocument,
    cell,
    values,
    memoryBudget: 1e8,
    checkInterrupted: () => {},
    backend: 'cpu',
  } as NodeContext;
  return (runMetric(node, ctx) as { result: NodeResult }).result;
}

describe('runtime/metric-errors: standard errors of metrics', () => {
  it('meanError is the standard error of the mean of the group values (closed form)', () => {
    // sd([1, 2, 3, 4]) = sqrt(5/3); over sqrt(4)
    expect(meanError([1, 2, 3, 4])).to.be.closeTo(Math.sqrt(5 / 3) / 2, 1e-15);
    expect(meanError([7])).to.be.NaN;
  });

  it('a bootstrap over groups of their mean reproduces the standard error of the mean', () => {
    // For a mean the bootstrap sd is sqrt((G - 1) / G) times meanError up to Monte-Carlo noise:
    // with 2000 replicates the sd of a sd is ~1.6%, so 6% is about 4 sd.
    const G = 40;
    const v = Array.from(normals(11, G), (z) => 3 + 2 * z);
    const boot = bootstrap([G], 5, ([w]) => w.reduce((s, wi, i) => s + wi * v[i], 0) / G, 2000);
    expect(boot / (meanError(v) * Math.sqrt((G - 1) / G))).to.be.within(0.94, 1.06);
    // Seeded: the same seed gives the same bytes.
    expect(bootstrap([G], 5, ([w]) => w[0] + w[3])).to.equal(bootstrap([G], 5, ([w]) => w[0] + w[3]));
  });

  it('group-wise forms with every weight 1 give the metric value itself', () => {
    const n = 600;
    const dim = 2;
    const x = Float32Array.from(normals(1, n * dim), (z, i) => z * (i % 2 ? 0.5 : 1));
    const y = Float32Array.from(normals(2, n * dim), (z) => z + 0.3);
    const g = groupsOf(n, 12);
    const groupOf = (row: number) => Math.floor(row / 50);
    const direct = mmd2(x, n, y, n, dim, 0.7, 300);
    const grouped = mmd2(x, n, y, n, dim, 0.7, 300, { x: groupOf, gx: 12, y: groupOf, gy: 12 });
    expect(grouped.value).to.equal(direct.value);
    expect(mmd2Weighted(grouped.blocks!, new Float64Array(12).fill(1), new Float64Array(12).fill(1))).to.be.closeTo(
      direct.value,
      1e-12,
    );
    const L = 1 + dim + dim * dim;
    const sums = new Float64Array(g.count * L);
    for (let k = 0; k < g.count; k++) sums.set(momentSums(x, g.start[k], g.start[k + 1], dim), k * L);
    expect(effectiveDimensionOfSums(sums, new Float64Array(g.count).fill(1), dim)).to.be.closeTo(
      effectiveDimension(x, n, dim),
      1e-10,
    );
    const spec = {
      bins: 10,
      range: [
        [-2, 2],
        [-2, 2],
      ] as [number, number][],
    };
    const per = g.count;
    const B = 101;
    const bins = new Float64Array(per * B);
    for (let k = 0; k < per; k++)
      bins.set(sampleBinProbabilities(x.subarray(k * 100, (k + 1) * 100), 50, dim, spec), k * B);
    const pooled = pooledBins(bins, new Int32Array(per).fill(50), new Float64Array(per).fill(1), new Float64Array(B));
    const all = sampleBinProbabilities(x, n, dim, spec);
    for (let b = 0; b < B; b++) expect(pooled[b]).to.be.closeTo(all[b], 1e-15);
  });

  it('ensemble-like samples: errors across members, sd of the per-member value / sqrt(members)', () => {
    // Four members of 4 draws each; at radius 0.1 they memorize 0, 2, 4 and 2 of their draws.
    const m = [
      [0, 0, 0.5, 0.5],
      [-1, 1, 0, 0],
      [-1, 1, 1, -1],
      [-1.05, 0.95, 0, 0.5],
    ];
    const sample: SampleValue = {
      kind: 'sample',
      dim: 1,
      n: 16,
      samples: Float32Array.from(m.flat()),
      t: 0.01,
      members: 4,
    };
    const mem = measure('memorized_fraction', sample);
    expect(mem.scalars.value).to.equal(8 / 16);
    expect(mem.scalars.standard_error).to.be.closeTo(meanError([0, 0.5, 1, 0.5]), 1e-15);
    expect(mem.labels?.se_over).to.equal('members');
    const near = measure('nearest_distance', sample);
    const perMember = m.map((r) => r.reduce((s, v) => s + Math.min(Math.abs(v - 1), Math.abs(v + 1)), 0) / 4);
    expect(near.scalars.standard_error).to.be.closeTo(meanError(perMember), 1e-7);
    expect(near.labels?.se_over).to.equal('members');
    const tv = measure('total_variation', sample);
    expect(tv.labels?.se_over).to.equal('members');
    expect(tv.scalars.standard_error).to.be.above(0);
  });

  it('single-model samples keep draws-based errors and say se_over: draws', () => {
    const n = 400;
    const x = Float32Array.from(normals(4, n), (z) => 0.8 * z);
    const sample: SampleValue = { kind: 'sample', dim: 1, n, samples: x, t: 0.01 };
    const gap = measure('gap_mass', sample, 0.2);
    const p = gap.scalars.value;
    expect(gap.scalars.standard_error).to.equal(Math.sqrt((p * (1 - p)) / n));
    expect(gap.labels?.se_over).to.equal('draws');
    const near = measure('nearest_distance', sample);
    const d = Array.from(x, (v) => Math.min(Math.abs(v - 1), Math.abs(v + 1)));
    expect(near.scalars.standard_error).to.be.closeTo(sd(d) / Math.sqrt(n), 1e-7);
    expect(near.labels?.se_over).to.equal('draws');
    for (const metric of ['total_variation', 'kl', 'effective_dimension'] as const) {
      const r = measure(metric, sample);
      expect(r.labels?.se_over, metric).to.equal('draws');
      expect(r.scalars.standard_error, metric).to.be.above(0);
    }
  });
});

// Issue 9: over 30 study seeds, the spread of each metric must match the standard error the
// metric reports (ratio of the sd across seeds to the median reported error in [0.6, 1.6]; with
// 30 seeds the sd itself is uncertain by ~13%, so a correct error lands near 1 and the binomial
// error over pooled draws, which ignores that the members differ, lands near 6 for the gap).
describe('standard errors match the spread over 30 study seeds', function () {
  useWasm();
  const source = (seed: number) => `study s {
  seed = ${seed}
  t_min = 0.01
  steps = 15
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 8, over = -1.5 .. 1.5) * gauss(t, n = 8, over = 0.01 .. 1)
  model lin = linear(phi, samples = 64, ridge = 0.1)
  sample exact = pf_ode(true, draws = 1000, bins = 30, range = -1.5 .. 1.5)
  sample ens = ensemble(lin, members = 10, draws = 200, bins = 30, range = -1.5 .. 1.5)
  sample eff = effective_sde(lin, members = 10, draws = 200, mc_samples = 2000, bins = 30, range = -1.5 .. 1.5)
${['exact', 'ens', 'eff']
  .map(
    (s) => `  metric ${s}_gap = gap_mass(${s}, radius = 0.2)
  metric ${s}_mem = memorized_fraction(${s}, radius = 0.1)
  metric ${s}_near = nearest_distance(${s})
  metric ${s}_tv = total_variation(${s}, against = true_density)`,
  )
  .join('\n')}
}`;
  const runs: NodeResult[][] = [];
  const names = ['gap', 'mem', 'near', 'tv'];
  before(async function () {
    this.timeout(300_000);
    for (let seed = 1; seed <= 30; seed++) {
      const doc = compileSource(source(seed), 'seeds.gtv').studies[0];
      const r = await executeCell(doc, doc.cells[0]);
      runs.push(['exact', 'ens', 'eff'].flatMap((s) => names.map((m) => r.nodes[`${s}_${m}`])));
    }
  });

  const check = (sampler: number, over: string) => () => {
    const ratios = names.map((m, j) => {
      const rs = runs.map((r) => r[sampler * names.length + j]);
      expect(
        rs.every((r) => r.labels?.se_over === over),
        m,
      ).to.equal(true);
      return sd(rs.map((r) => r.scalars.value)) / median(rs.map((r) => r.scalars.standard_error));
    });
    console.log(
      `      sd over seeds / median standard error: ${names.map((m, j) => `${m} ${ratios[j].toFixed(2)}`).join(', ')}`,
    );
    ratios.forEach((r, j) => expect(r, names[j]).to.be.within(0.6, 1.6));
  };
  it('trained ensemble (errors over members)', check(1, 'members'));
  it('Gaussian-field effective SDE (errors over members)', check(2, 'members'));
  it('PF-ODE with the true score (errors over draws)', check(0, 'draws'));
});

import { expect } from 'chai';
import type { IrSample } from '../../compiler/ir/types.js';
import { fig2State } from './setup.js';
import { runMembers } from '../../runtime/samplers/ensemble.js';
import { runEffectiveSde } from '../../runtime/samplers/effective-sde.js';
import { population } from '../../runtime/vkernel/population.js';
import { omegaField } from '../../runtime/vkernel/omega.js';
import { selectBackend } from '../../runtime/backend.js';
import { deriveSeed } from '../../runtime/rng.js';
import { sampleLinear } from '../../runtime/samplers/linear-pfode.js';
import { timeGrid } from '../../runtime/timegrid.js';
import type { NodeContext, NodeValue } from '../../runtime/nodes/types.js';

// The Fig. 2 setup (docs/theory.md 13.2) at one cell: data {-1, 0, 1}, VP schedule, eps = 1e-2, 30 Euler
// steps, ridge 0.1, Gaussian x (x) t features with width = spacing / 2, F/P = 1/4 (Fig. 2's
// leftmost column). The feature grid is 8 x 8 (F = 64, P = 256) instead of 16 x 16 (F = 256,
// P = 1024): the same F/P at a quarter of the training cost, which keeps the test within budget.
// docs/theory-checks.md has the measurements behind the tolerances, including the 16 x 16 cell.
const eps = 1e-2;
const bins = 30;
const width = 3 / bins;
const sampleNode = (seed: number, members: number, draws: number): IrSample => ({
  kind: 'sample',
  name: 's',
  data: 'd',
  forward: 'f',
  draws,
  seed,
  solver: 'euler',
  grid: { steps: 30, t_min: eps, spacing: 'uniform', rho: 7 },
  histogram: { bins, range: [[-1.5, 1.5]] },
  method: 'ensemble',
  model: 'lin',
  members,
  eval: 'exact',
  table_points: null,
});

function meanDensity(d: Float64Array, from: number, to: number): Float64Array {
  const out = new Float64Array(bins);
  for (let m = from; m < to; m++) for (let b = 0; b < bins; b++) out[b] += d[m * bins + b] / (to - from);
  return out;
}
const tv = (a: Float64Array, b: Float64Array) => 0.5 * a.reduce((s, v, i) => s + Math.abs(v - b[i]) * width, 0);

describe('runtime effective SDE vs trained ensemble (Fig. 2 setup)', function () {
  this.timeout(120000);
  before(async () => {
    await selectBackend('wasm');
  });

  it('Gaussian-field (exact form) mean histogram matches the trained ensemble within TV 0.08', () => {
    const state = fig2State(8, 8, 256, eps);
    // Many members with few draws each: the noise of a mean histogram is member-to-member
    // spread, not the draws (256 x 500 draws put the multinomial part near TV 0.01).
    const K = 256;
    const draws = 500;
    const ens = runMembers(sampleNode(3, K, draws), state, K, (m) => state.train(m).W);
    const pop = population(state, 20000, 5);
    const seeds = Array.from({ length: K }, (_, m) => 100 + m);
    const eff = runMembers(sampleNode(4, K, draws), state, K, { field: omegaField(pop), mean: pop.Wavg, seeds });
    const meanOnly = runMembers(sampleNode(4, 1, K * draws), state, 1, () => pop.Wbar);
    const hE = meanDensity(ens.memberDensity, 0, K);
    const hS = meanDensity(eff.memberDensity, 0, K);
    const hM = meanDensity(meanOnly.memberDensity, 0, 1);
    const floor = tv(meanDensity(ens.memberDensity, 0, K / 2), meanDensity(ens.memberDensity, K / 2, K));
    const dES = tv(hE, hS);
    const dEM = tv(hE, hM);
    console.log(
      `      TV(trained halves) = ${floor.toFixed(4)}; TV(trained, effective SDE) = ${dES.toFixed(4)}; ` +
        `TV(trained, mean model alone, V = 0) = ${dEM.toFixed(4)}`,
    );
    // Noise floor: two independent 128-member halves of the trained ensemble differ by TV ~0.07
    // at this cell (measured, docs/theory-checks.md); two 256-member means by ~0.07 / sqrt(2) = 0.05.
    // The first-order theory's own bias at F/P = 1/4 measured TV ~0.03 on top. Tolerance
    // 0.05 + 0.03 = 0.08. Decisive: the mean model alone (V = 0) is off by ~0.14, and must be
    // farther than the theory by more than the 0.05 noise floor of the comparison.
    expect(floor, 'split-half noise floor').to.be.below(0.11);
    expect(dES).to.be.below(0.08);
    expect(dEM - dES).to.be.above(0.05);
  });

  it('the Gaussian field mean W-avg (first order in 1/P) is closer to the trained ensemble mean than W-bar at F/P = 1/4', () => {
    const state = fig2State(8, 8, 256, eps);
    const members = 300;
    // Boundary points at small t, where the finite-P ridge bias shows (docs/theory-checks.md 1).
    const pts: [number, number][] = [
      [0.5, 0.05],
      [-0.5, 0.05],
      [0.25, 0.05],
      [0.5, 0.02],
      [0.4, 0.03],
      [-0.4, 0.03],
    ];
    const at = (W: Float64Array, x: number, t: number) => {
      const out = new Float64Array(1);
      state.evaluator.atTime(W, t)(Float64Array.from([x]), 1, out);
      return out[0];
    };
    const vals = pts.map(() => new Float64Array(members));
    for (let m = 0; m < members; m++) {
      const W = state.train(m).W;
      pts.forEach(([x, t], i) => (vals[i][m] = at(W, x, t)));
    }
    const pop = population(state, 100000, 7);
    let chiBar = 0;
    let chiAvg = 0;
    pts.forEach(([x, t], i) => {
      const v = vals[i];
      const mean = v.reduce((a, b) => a + b, 0) / members;
      const se2 = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (members - 1) / members;
      chiBar += (mean - at(pop.Wbar, x, t)) ** 2 / se2;
      chiAvg += (mean - at(pop.Wavg, x, t)) ** 2 / se2;
    });
    console.log(
      `      chi^2 over ${pts.length} points (trained mean vs theory): W-bar ${chiBar.toFixed(1)}, W-avg ${chiAvg.toFixed(1)}`,
    );
    // Six points: chi^2 ~ 6 +- 3.5 if a mean were exact. Measured with 600 models, W-bar is 2-5 SE
    // off at these points (the bias is real: chi^2 > 20 here), W-avg removes about half of each
    // offset, which quarters chi^2; require at least a halving.
    expect(chiBar).to.be.above(20);
    expect(chiAvg).to.be.below(chiBar / 2);
  });

  it('white-noise variant: runs through the kernel, is labelled an approximation, is deterministic, reports its distance to the exact form', async () => {
    const state = fig2State(8, 8, 256, eps);
    const values = new Map<string, NodeValue>([
      [
        'lin',
        {
          kind: 'model',
          type: 'linear',
          data: state.data,
          schedule: state.schedule,
          extra: state,
          score: () => {
            throw new Error('unused');
          },
        },
      ],
    ]);
    const ctx = { values, checkInterrupted: () => {}, memoryBudget: 1e9, backend: 'wasm' } as unknown as NodeContext;
    const node = (variant: 'white_noise' | 'gaussian_field', seed: number): IrSample =>
      ({
        ...sampleNode(seed, 48, 1000),
        method: 'effective_sde',
        variant,
        members: 48,
        mc_samples: 8000,
      }) as IrSample;
    const run = async (variant: 'white_noise' | 'gaussian_field', seed: number) =>
      runEffectiveSde(node(variant, seed), ctx);
    const w1 = await run('white_noise', 7);
    const w2 = await run('white_noise', 7);
    const exact = await run('gaussian_field', 7);
    expect(w1.result.notes.join(' ')).to.match(/APPROXIMATION/);
    const s1 = (w1.value.kind === 'sample' && w1.value.samples) || new Float32Array();
    const s2 = (w2.value.kind === 'sample' && w2.value.samples) || new Float32Array();
    expect(s1.length).to.equal(1000);
    expect(Buffer.from(s1.buffer).equals(Buffer.from(s2.buffer)), 'same seed, same bytes').to.equal(true);
    const dW = tv(w1.result.arrays.density.data as Float64Array, exact.result.arrays.density.data as Float64Array);
    console.log(
      `      TV(white-noise SDE, Gaussian-field SDE) = ${dW.toFixed(4)} (an approximation: not asserted small)`,
    );
    expect(dW).to.be.within(0, 1);
    // The noise must act: from the same initial states (same seed), the V = 0 flow of the mean
    // model ends elsewhere. Per-particle displacement by the noise is ~0.1-0.3 where it acts
    // (between the points); require a mean |difference| of 0.01.
    const pop = population(state, 8000, deriveSeed(7, 'population'));
    const flat = sampleLinear({
      schedule: state.schedule,
      dim: 1,
      draws: 1000,
      times: timeGrid(sampleNode(7, 1, 1000).grid, 1),
      solver: 'euler',
      seed: 7,
      parametrization: 'denoiser',
      evaluator: state.evaluator,
      W: pop.Wavg,
    });
    const moved = s1.reduce((a, v, i) => a + Math.abs(v - flat[i]), 0) / s1.length;
    expect(moved, 'mean |x_white - x_(V=0)|').to.be.above(0.01);
  });
});

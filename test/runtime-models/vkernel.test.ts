import { expect } from 'chai';
import { fig2State } from './setup.js';
import { muCov, population } from '../../runtime/vkernel/population.js';

describe('runtime V-kernel of linear models', function () {
  this.timeout(120000);

  it('predicts the measured variance of an ensemble of trained models (docs/theory.md 8)', () => {
    const eps = 1e-2;
    const state = fig2State(8, 8, 2000, eps);
    const members = 300;
    const pts: [number, number][] = [
      [-0.5, 0.2],
      [0, 0.2],
      [0.5, 0.2],
      [0.5, 0.05],
    ];
    const vals = pts.map(() => new Float64Array(members));
    for (let m = 0; m < members; m++) {
      const W = state.train(m).W;
      pts.forEach(([x, t], i) => {
        const out = new Float64Array(1);
        state.evaluator.atTime(W, t)(Float64Array.from([x]), 1, out);
        vals[i][m] = out[0];
      });
    }
    const pop = population(state, 20000, 7);
    pts.forEach(([x, t], i) => {
      const v = vals[i];
      const mean = v.reduce((a, b) => a + b, 0) / members;
      const measured = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (members - 1);
      const pred = muCov(pop, Float64Array.from([x]), t, Float64Array.from([x]), t);
      // The sample variance of 300 members has relative SE sqrt(2/299) = 8%; the prediction's own
      // MC SE is reported (pred.se) and the first-order (large P) error is a few % at F/P = 0.03.
      // Tolerance: 3 x 8% + 3 x its SE + 5% -> about 30%. A wrong lambda power or a missing 1/P
      // or bias term is off by factors of 2 or more.
      const rel = Math.abs(measured - pred.cov[0]) / pred.cov[0];
      const tol = 0.24 + (3 * pred.se[0]) / pred.cov[0] + 0.05;
      expect(
        rel,
        `x=${x} t=${t}: measured ${measured.toExponential(3)} predicted ${pred.cov[0].toExponential(3)}`,
      ).to.be.below(tol);
    });
  });
});

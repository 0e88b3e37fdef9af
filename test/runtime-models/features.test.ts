import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { compileFeatures } from '../../runtime/features.js';
import { linearEvaluator } from '../../runtime/models/linear-eval.js';
import { gauss } from './setup.js';

const fourier = (axis: 'x' | 'y' | 't', n: number, over: [number, number]): IrFeatureTree => ({
  op: 'basis',
  basis: 'fourier',
  axes: [axis],
  n,
  over,
  width: 0,
  seed: 0,
});

describe('runtime features', () => {
  it('Gaussian bumps are normalized pdfs (integrate to 1)', () => {
    const fm = compileFeatures(gauss('x', 16, [-1.5, 1.5], 0.1), 1);
    // Trapezoid on [-3, 3] with h = 1e-3: error ~ h^2 f''/12 ~ 1e-5 relative for width 0.1, and
    // the tails beyond 15 widths are below 1e-40; tolerance 1e-6.
    const h = 1e-3;
    const xs = Float64Array.from({ length: 6001 }, (_, i) => -3 + i * h);
    const phi = fm.evaluate(xs, new Float64Array(xs.length), xs.length);
    for (let f = 0; f < 16; f++) {
      let s = 0;
      for (let i = 0; i < xs.length; i++) s += (i === 0 || i === xs.length - 1 ? 0.5 : 1) * phi[i * 16 + f] * h;
      expect(s).to.be.closeTo(1, 1e-6);
    }
  });

  it('Gaussian recurrence equals the direct pdf', () => {
    const fm = compileFeatures(gauss('x', 10, [-1.5, 1.5], 1 / 6), 1);
    const xs = Float64Array.from([-4.2, -1.51, -0.3, 0, 0.77, 1.5, 3.9]);
    const phi = fm.evaluate(xs, new Float64Array(xs.length), xs.length);
    const w = 1 / 6;
    xs.forEach((x, p) => {
      for (let i = 0; i < 10; i++) {
        const c = -1.5 + (3 * i) / 9;
        const ref = Math.exp(-((x - c) ** 2) / (2 * w * w)) / (w * Math.sqrt(2 * Math.PI));
        // Relative 1e-12: the recurrence accumulates ~10 roundings of 1e-16.
        expect(Math.abs(phi[p * 10 + i] - ref)).to.be.at.most(1e-12 * ref + 1e-300);
      }
    });
  });

  it('Fourier features follow [1, cos(2 pi k u/L), sin(2 pi k u/L)] with the phase on u', () => {
    const fm = compileFeatures(fourier('t', 10, [0.01, 1]), 1);
    const L = 0.99;
    for (const u of [0.01, 0.37, 0.99]) {
      const phi = fm.evaluate(new Float64Array(1), Float64Array.from([u]), 1);
      const ref = [
        1,
        ...[1, 2, 3, 4, 5].map((k) => Math.cos((2 * Math.PI * k * u) / L)),
        ...[1, 2, 3, 4].map((k) => Math.sin((2 * Math.PI * k * u) / L)),
      ];
      ref.forEach((v, i) => expect(phi[i]).to.be.closeTo(v, 1e-14));
    }
  });

  it('factored evaluation equals the full C-order tensor product (Fig. 3 shapes)', () => {
    for (const mk of [gauss, (a: 'x' | 'y' | 't', n: number, o: [number, number]) => fourier(a, n, o)]) {
      const tree: IrFeatureTree = {
        op: 'product',
        factors: [mk('x', 10, [-1.5, 1.5], 1 / 6), mk('y', 10, [-1.5, 1.5], 1 / 6), mk('t', 10, [0.01, 1], 0.055)],
      };
      const fm = compileFeatures(tree, 2);
      expect(fm.F).to.equal(1000);
      expect(fm.factored).to.not.equal(null);
      const W = Float64Array.from({ length: 2 * 1000 }, (_, i) => Math.sin(i * 0.37));
      const xs = Float64Array.from([0.3, -0.2, 1.1, 0.9, -2, 0.4]);
      const t = 0.23;
      const out = new Float64Array(6);
      linearEvaluator(fm, 2).atTime(W, t)(xs, 3, out);
      const phi = fm.evaluate(xs, new Float64Array(3).fill(t), 3);
      // C-order: index (ix * 10 + iy) * 10 + it, checked directly for one entry.
      const fx = compileFeatures(tree.factors[0], 2).evaluate(xs, new Float64Array(3), 3);
      const fy = compileFeatures(tree.factors[1], 2).evaluate(xs, new Float64Array(3), 3);
      const ft = compileFeatures(tree.factors[2], 2).evaluate(xs, new Float64Array(3).fill(t), 3);
      expect(phi[1 * 1000 + (3 * 10 + 7) * 10 + 2]).to.be.closeTo(fx[13] * fy[17] * ft[12], 1e-12);
      for (let p = 0; p < 3; p++)
        for (let d = 0; d < 2; d++) {
          let s = 0;
          for (let f = 0; f < 1000; f++) s += W[d * 1000 + f] * phi[p * 1000 + f];
          // Same sums in another order: agreement to float64 rounding relative to the term scale.
          expect(out[p * 2 + d]).to.be.closeTo(s, 1e-9 * (1 + Math.abs(s)));
        }
    }
  });
});

import { expect } from 'chai';
import type { IrForward, IrTimeExpr } from '../../compiler/ir/types.js';
import { makeSchedule, quadratureS2, evalDual } from '../../runtime/schedule.js';
import { timeGrid } from '../../runtime/timegrid.js';

const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const t: IrTimeExpr = { op: 't' };
const c = (value: number): IrTimeExpr => ({ op: 'const', value });
// docs/theory.md 2.3: alpha = sqrt(1 - t), sigma2 = t
const fig1: IrForward = {
  kind: 'forward',
  name: 'f',
  T: 0.99,
  process: 'alpha_sigma',
  alpha: { op: 'sqrt', args: [{ op: 'sub', args: [c(1), t] }] },
  sigma2: t,
};

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('runtime/schedule', () => {
  it('reproduces the docs/theory.md 2.2 reference table', () => {
    // Each printed value is checked to half a unit of its last printed digit (the table's own
    // rounding), so the tolerance is stated per entry as that half unit.
    const half = (printed: string) => {
      const [mant, exp] = printed.toLowerCase().split('e');
      const decimals = mant.includes('.') ? mant.split('.')[1].length : 0;
      return 0.5 * 10 ** (-decimals + (exp ? Number(exp) : 0));
    };
    const rows: [number, string, string, string][] = [
      [1e-4, '0.99999', '0.00449', '4.95e4'],
      [1e-3, '0.99989', '0.01483', '4.55e3'],
      [1e-2, '0.99801', '0.06310', '250'],
      [0.1, '0.8963', '0.4435', '4.08'],
      [1, '4.3e-5', '1.0000', '1.9e-9'],
    ];
    for (const [tt, a, s, snr] of rows) {
      expect(vp.alpha(tt), `alpha(${tt})`).to.be.closeTo(Number(a), half(a));
      expect(Math.sqrt(vp.s2(tt)), `sigma(${tt})`).to.be.closeTo(Number(s), half(s));
      // 250 is printed as an integer but is 250.5; allow the unit it was rounded to
      expect(vp.alpha(tt) ** 2 / vp.s2(tt), `snr(${tt})`).to.be.closeTo(Number(snr), snr === '250' ? 1 : half(snr));
    }
  });

  it('VP S_t = 1 - alpha^2 matches the exact 2.1 integral by quadrature', () => {
    // quadratureS2 is an independent path (it integrates (alpha_t/alpha_s)^2 2 d(s) ds);
    // 64 x 8-point Gauss-Legendre on a smooth integrand should agree to ~1e-12.
    for (const tt of [1e-4, 1e-2, 0.3, 1]) expect(rel(quadratureS2(vp.alpha, vp.d, tt), vp.s2(tt))).to.be.below(1e-11);
  });

  it('anisotropic constant-D S_t by quadrature matches the closed form for constant beta', () => {
    // beta_d = 0: S_t = M (1 - exp(-2 beta t)) / beta, the one constant-D case with a closed form.
    const M = [
      [2, 0.5],
      [0.5, 1],
    ];
    const s = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 3,
      beta_d: 0,
      diffusion: M,
      diffusion_time: 'constant',
    });
    for (const tt of [1e-3, 0.2, 1]) {
      const exact = -Math.expm1(-2 * 3 * tt) / 3;
      const S = s.S(tt, 2);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(rel(S[i][j], M[i][j] * exact)).to.be.below(1e-11);
      const D = s.D(tt, 2);
      expect(D[0][1]).to.equal(0.5);
    }
  });

  it('anisotropic beta-proportional S_t = (1 - alpha^2) M', () => {
    const M = [
      [1, 0],
      [0, 0.25],
    ];
    const s = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: M,
      diffusion_time: 'beta',
    });
    expect(rel(s.S(0.3, 2)[1][1], 0.25 * vp.s2(0.3))).to.be.below(1e-14);
    expect(rel(quadratureS2(s.alpha, s.d, 0.3), s.s2(0.3))).to.be.below(1e-11);
  });

  it('alpha_sigma gets beta and D by exact differentiation (Fig. 1 schedule)', () => {
    const s = makeSchedule(fig1);
    for (const tt of [0.05, 0.2, 0.75]) {
      // docs/theory.md 2.3: beta = D = 1/(2(1 - t)), S = t
      expect(rel(s.beta(tt), 1 / (2 * (1 - tt)))).to.be.below(1e-14);
      expect(rel(s.d(tt), 1 / (2 * (1 - tt)))).to.be.below(1e-14);
      expect(s.s2(tt)).to.equal(tt);
      // and the derived (beta, D) integrate back to the given sigma2 (exact 2.1 form)
      expect(rel(quadratureS2(s.alpha, s.d, tt), tt)).to.be.below(1e-10);
    }
    // pow with a variable exponent: d/dt t^t = t^t (ln t + 1)
    const [v, d] = evalDual({ op: 'pow', args: [t, t] }, 0.5);
    expect(rel(d, v * (Math.log(0.5) + 1))).to.be.below(1e-14);
  });

  it('EDM and VE S_t match the exact integral of their D_t', () => {
    const edm = makeSchedule({ kind: 'forward', name: 'f', T: 80, process: 'edm' });
    expect(rel(quadratureS2(edm.alpha, edm.d, 3), 9)).to.be.below(1e-12);
    const ve = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 've', sigma_min: 0.01, sigma_max: 50 });
    for (const tt of [1e-3, 0.5, 1]) {
      expect(rel(quadratureS2(ve.alpha, ve.d, tt), ve.s2(tt))).to.be.below(1e-10);
      expect(rel(ve.s2(tt), 0.01 ** 2 * ((50 / 0.01) ** (2 * tt) - 1))).to.be.below(1e-12);
    }
  });

  it('time grids: uniform is flip(linspace(eps, T, N+1)); karras follows docs/theory.md 2.4', () => {
    const u = timeGrid({ steps: 30, t_min: 1e-3, spacing: 'uniform', rho: 7 }, 1);
    expect(u.length).to.equal(31);
    expect(u[0]).to.equal(1);
    expect(u[30]).to.equal(1e-3);
    expect(u[1]).to.be.closeTo(1 - (1 - 1e-3) / 30, 1e-15);
    const k = timeGrid({ steps: 10, t_min: 0.002, spacing: 'karras', rho: 7 }, 80);
    const a = 80 ** (1 / 7);
    const b = 0.002 ** (1 / 7);
    expect(rel(k[3], (a + 0.3 * (b - a)) ** 7)).to.be.below(1e-14);
    for (let i = 1; i < k.length; i++) expect(k[i]).to.be.below(k[i - 1]);
  });
});

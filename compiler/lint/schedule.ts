// alpha_t^2 and sigma_t^2 of the forward processes (docs/theory.md 2.1-2.4) in float64, for the
// float32-score rule. A copy of the closed forms, not an import of runtime/schedule.ts: the
// compiler may not depend on the runtime (docs/architecture.md). `anisotropic` with constant
// diffusion has no closed form and is skipped (undefined).
import type { IrForward, IrTimeExpr } from '../ir/types.js';

export interface Noise {
  alpha2: number;
  sigma2: number;
}

export function noiseAt(f: IrForward, t: number): Noise | undefined {
  switch (f.process) {
    case 'vp':
      return vp(f.beta_min, f.beta_d, t);
    case 'anisotropic': {
      if (f.diffusion_time !== 'beta') return undefined;
      // S_t = (1 - alpha^2) M: the smallest diagonal entry of M bounds the smallest variance.
      const n = vp(f.beta_min, f.beta_d, t);
      return { alpha2: n.alpha2, sigma2: n.sigma2 * Math.min(...f.diffusion.map((r, i) => r[i])) };
    }
    case 'edm':
      return { alpha2: 1, sigma2: t * t };
    case 've':
      return { alpha2: 1, sigma2: f.sigma_min ** 2 * Math.expm1(2 * Math.log(f.sigma_max / f.sigma_min) * t) };
    case 'alpha_sigma':
      return { alpha2: evalTime(f.alpha, t) ** 2, sigma2: evalTime(f.sigma2, t) };
    default: {
      const unhandled: never = f;
      throw new Error(`internal: unhandled process ${JSON.stringify(unhandled)}`);
    }
  }
}

function vp(betaMin: number, betaD: number, t: number): Noise {
  const a = betaMin * t + (betaD / 2) * t * t;
  return { alpha2: Math.exp(-2 * a), sigma2: -Math.expm1(-2 * a) };
}

function evalTime(e: IrTimeExpr, t: number): number {
  switch (e.op) {
    case 'const':
      return e.value;
    case 't':
      return t;
    case 'neg':
      return -evalTime(e.args[0], t);
    case 'sqrt':
    case 'exp':
    case 'log':
    case 'sin':
    case 'cos':
      return Math[e.op](evalTime(e.args[0], t));
    case 'add':
      return evalTime(e.args[0], t) + evalTime(e.args[1], t);
    case 'sub':
      return evalTime(e.args[0], t) - evalTime(e.args[1], t);
    case 'mul':
      return evalTime(e.args[0], t) * evalTime(e.args[1], t);
    case 'div':
      return evalTime(e.args[0], t) / evalTime(e.args[1], t);
    case 'pow':
      return evalTime(e.args[0], t) ** evalTime(e.args[1], t);
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled time operator ${JSON.stringify(unhandled)}`);
    }
  }
}

// Forward processes (docs/theory.md 2.1-2.4), evaluated in float64 on the JS side (a handful of calls
// per time step, so there is nothing to batch).
//
// Every process in the IR has D_t and S_t proportional to one fixed matrix M (M = I except for
// `anisotropic`), so the posterior can whiten once with chol(M) and then work with scalars; the
// isotropic fast path is the same code with M = I.
//
// Per process:
//   vp           beta = beta_min + beta_d t, D = beta I, alpha = exp(-(beta_min t + beta_d t^2/2)),
//                S = (1 - alpha^2) I (computed as -expm1 for accuracy at small t).
//   alpha_sigma  alpha(t), sigma2(t) given as IrTimeExpr; beta = -alpha'/alpha and
//                d = (sigma2' + 2 beta sigma2)/2 (from dS/dt = -2 beta S + 2 D), with EXACT
//                derivatives by forward-mode automatic differentiation of the expression.
//   edm          alpha = 1, beta = 0, D = t I, S = t^2 I (docs/theory.md 2.4).
//   ve           sigma(t) = sigma_min (sigma_max/sigma_min)^t, D = (1/2) d sigma^2/dt I, and the
//                exact S of 2.1 started at t = 0: S = (sigma(t)^2 - sigma_min^2) I.
//   anisotropic  beta as vp; D = b(t) M with b = beta_t ('beta': S = (1 - alpha^2) M in closed
//                form) or b = 1 ('constant': no closed form, S by quadratureS2).

import type { IrForward, IrTimeExpr } from '../compiler/ir/types.js';

/**
 * interface Schedule {
 *   process, T
 *   alpha(t)   alpha_t = exp(-int_0^t beta)
 *   beta(t)    drift rate (drift is -beta_t x)
 *   d(t), s2(t)  scalars with D_t = d(t) M and S_t = s2(t) M
 *   shape      M as a dim x dim matrix, or null for the isotropic processes (M = I)
 *   D(t, dim), S(t, dim)   the full dim x dim matrices (number[][])
 * }
 */
export interface Schedule {
  process: IrForward['process'];
  T: number;
  alpha(t: number): number;
  beta(t: number): number;
  d(t: number): number;
  s2(t: number): number;
  shape: number[][] | null;
  D(t: number, dim: number): number[][];
  S(t: number, dim: number): number[][];
}

type Scalars = Pick<Schedule, 'alpha' | 'beta' | 'd' | 's2'>;

/** makeSchedule(node: IrForward): Schedule */
export function makeSchedule(node: IrForward): Schedule {
  const scalars = processScalars(node);
  const shape = node.process === 'anisotropic' ? node.diffusion.map((r) => r.slice()) : null;
  const scaled = (c: number, dim: number): number[][] =>
    shape
      ? shape.map((r) => r.map((v) => c * v))
      : Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? c : 0)));
  return {
    process: node.process,
    T: node.T,
    ...scalars,
    shape,
    D: (t, dim) => scaled(scalars.d(t), dim),
    S: (t, dim) => scaled(scalars.s2(t), dim),
  };
}

function processScalars(node: IrForward): Scalars {
  switch (node.process) {
    case 'vp':
      return vpScalars(node.beta_min, node.beta_d);
    case 'anisotropic': {
      const vp = vpScalars(node.beta_min, node.beta_d);
      if (node.diffusion_time === 'beta') return vp;
      const d = () => 1;
      return { alpha: vp.alpha, beta: vp.beta, d, s2: (t) => quadratureS2(vp.alpha, d, t) };
    }
    case 'edm':
      return { alpha: () => 1, beta: () => 0, d: (t) => t, s2: (t) => t * t };
    case 've': {
      const lr = Math.log(node.sigma_max / node.sigma_min);
      const sig2 = (t: number) => node.sigma_min ** 2 * Math.exp(2 * lr * t);
      return {
        alpha: () => 1,
        beta: () => 0,
        d: (t) => sig2(t) * lr,
        s2: (t) => node.sigma_min ** 2 * Math.expm1(2 * lr * t),
      };
    }
    case 'alpha_sigma': {
      const a = (t: number) => evalDual(node.alpha, t);
      const s = (t: number) => evalDual(node.sigma2, t);
      const beta = (t: number) => {
        const [v, dv] = a(t);
        return -dv / v;
      };
      return {
        alpha: (t) => a(t)[0],
        beta,
        d: (t) => {
          const [v, dv] = s(t);
          return (dv + 2 * beta(t) * v) / 2;
        },
        s2: (t) => s(t)[0],
      };
    }
    default: {
      const unhandled: never = node;
      throw new Error(`internal: unhandled process ${JSON.stringify(unhandled)}`);
    }
  }
}

function vpScalars(betaMin: number, betaD: number): Scalars {
  const A = (t: number) => betaMin * t + 0.5 * betaD * t * t;
  return {
    alpha: (t) => Math.exp(-A(t)),
    beta: (t) => betaMin + betaD * t,
    d: (t) => betaMin + betaD * t,
    s2: (t) => -Math.expm1(-2 * A(t)),
  };
}

/** A value and its derivative in t: forward-mode differentiation of an IrTimeExpr. */
export function evalDual(e: IrTimeExpr, t: number): [number, number] {
  switch (e.op) {
    case 'const':
      return [e.value, 0];
    case 't':
      return [t, 1];
    case 'neg': {
      const [v, d] = evalDual(e.args[0], t);
      return [-v, -d];
    }
    case 'sqrt': {
      const [v, d] = evalDual(e.args[0], t);
      const r = Math.sqrt(v);
      return [r, d / (2 * r)];
    }
    case 'exp': {
      const [v, d] = evalDual(e.args[0], t);
      const r = Math.exp(v);
      return [r, r * d];
    }
    case 'log': {
      const [v, d] = evalDual(e.args[0], t);
      return [Math.log(v), d / v];
    }
    case 'sin': {
      const [v, d] = evalDual(e.args[0], t);
      return [Math.sin(v), Math.cos(v) * d];
    }
    case 'cos': {
      const [v, d] = evalDual(e.args[0], t);
      return [Math.cos(v), -Math.sin(v) * d];
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow': {
      const [u, du] = evalDual(e.args[0], t);
      const [v, dv] = evalDual(e.args[1], t);
      switch (e.op) {
        case 'add':
          return [u + v, du + dv];
        case 'sub':
          return [u - v, du - dv];
        case 'mul':
          return [u * v, du * v + u * dv];
        case 'div':
          return [u / v, (du * v - u * dv) / (v * v)];
        case 'pow': {
          const r = Math.pow(u, v);
          // d(u^v) = v u^(v-1) du + u^v ln(u) dv; the log term only when v varies.
          const logTerm = dv === 0 ? 0 : r * Math.log(u) * dv;
          return [r, v * Math.pow(u, v - 1) * du + logTerm];
        }
        default: {
          const unhandled: never = e;
          throw new Error(`internal: unhandled time operator ${JSON.stringify(unhandled)}`);
        }
      }
    }
    default: {
      const unhandled: never = e;
      throw new Error(`internal: unhandled time operator ${JSON.stringify(unhandled)}`);
    }
  }
}

// 8-point Gauss-Legendre nodes/weights on [-1, 1].
const GL_X = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498,
  0.525532409916329, 0.7966664774136267, 0.9602898564975363,
];
const GL_W = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873,
  0.2223810344533745, 0.1012285362903763,
];

/**
 * s2(t) = int_0^t (alpha_t/alpha_s)^2 2 d(s) ds. The integrand is smooth but can vary on a
 * scale 1/beta, so 64 panels of 8-point Gauss-Legendre: relative error below 1e-12 for the
 * schedules in the IR (checked against closed forms in test/runtime/schedule.test.ts).
 */
export function quadratureS2(alpha: (t: number) => number, d: (t: number) => number, t: number, panels = 64): number {
  if (t <= 0) return 0;
  const at = alpha(t);
  const h = t / panels;
  let sum = 0;
  for (let p = 0; p < panels; p++) {
    const mid = (p + 0.5) * h;
    for (let k = 0; k < 8; k++) {
      const s = mid + 0.5 * h * GL_X[k];
      const r = at / alpha(s);
      sum += GL_W[k] * r * r * 2 * d(s);
    }
  }
  return sum * 0.5 * h;
}

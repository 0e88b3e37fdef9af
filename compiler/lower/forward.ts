// Forward processes. alpha_sigma keeps its expressions of t symbolic; they are checked at a few
// times in (0, T] so a schedule with sigma^2 <= 0 or a non-finite value fails before anything runs.
import type { Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { evalTime } from '../evaluate.js';
import type { IrForward, IrTimeExpr } from '../ir/types.js';
import type { LowerContext } from './context.js';

export function lowerForward(cx: LowerContext, d: Decl): IrForward | undefined {
  const c = cx.builtinCall(d.value, 'forward');
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  if (!ok) return undefined;
  const name = d.name.name;
  const T = v.T as number;
  const at = (p: string) => (bound.args.get(p) as Expr | undefined) ?? c.call;
  // The forward built-ins of the signature table are exactly the IR processes.
  const process = c.spec.name as IrForward['process'];
  switch (process) {
    case 'vp':
      return { kind: 'forward', name, T, process: 'vp', beta_min: v.beta_min, beta_d: v.beta_d };
    case 'edm':
      return { kind: 'forward', name, T, process: 'edm' };
    case 've':
      if (!(v.sigma_min < v.sigma_max)) {
        cx.r.report(SEM.outOfRange, `sigma_min (${v.sigma_min}) must be < sigma_max (${v.sigma_max})`, at('sigma_min'));
        return undefined;
      }
      return { kind: 'forward', name, T, process: 've', sigma_min: v.sigma_min, sigma_max: v.sigma_max };
    case 'alpha_sigma': {
      if (
        !schedulePositive(cx, v.alpha, T, 'alpha', at('alpha')) ||
        !schedulePositive(cx, v.sigma2, T, 'sigma2', at('sigma2'))
      )
        return undefined;
      return { kind: 'forward', name, T, process: 'alpha_sigma', alpha: v.alpha, sigma2: v.sigma2 };
    }
    case 'anisotropic': {
      const full = v.diffusion as number[][] | null;
      const diag = v.diag as number[] | null;
      if ((full === null) === (diag === null)) {
        cx.r.report(
          SEM.conflictingArguments,
          full
            ? '`anisotropic` takes `diffusion` or `diag`, not both'
            : '`anisotropic` needs `diffusion` (a matrix) or `diag` (its diagonal)',
          c.call.callee,
        );
        return undefined;
      }
      const m = full ?? diag!.map((x, i) => diag!.map((_, j) => (i === j ? x : 0)));
      if (full && full.some((row) => row.length !== full.length)) {
        cx.r.report(
          SEM.lengthMismatch,
          `the diffusion matrix must be square, it is ${full.length} x ${full[0].length}`,
          at('diffusion'),
        );
        return undefined;
      }
      if (!isSpd(m)) {
        cx.r.report(
          SEM.outOfRange,
          'the diffusion matrix must be symmetric positive definite',
          at(full ? 'diffusion' : 'diag'),
          diag ? 'every diagonal entry must be > 0' : undefined,
        );
        return undefined;
      }
      return {
        kind: 'forward',
        name,
        T,
        process: 'anisotropic',
        beta_min: v.beta_min,
        beta_d: v.beta_d,
        diffusion: m,
        diffusion_time: v.time,
      };
    }
    default: {
      const unhandled: never = process;
      throw new Error(`internal: unhandled forward process ${JSON.stringify(unhandled)}`);
    }
  }
}

function schedulePositive(cx: LowerContext, f: IrTimeExpr, T: number, what: string, at: Expr): boolean {
  for (let k = 1; k <= 16; k++) {
    const t = (T * k) / 16;
    const y = evalTime(f, k === 16 ? T * (1 - 1e-9) : t);
    if (!Number.isFinite(y) || y <= 0) {
      cx.r.report(
        SEM.outOfRange,
        `${what} must be a positive finite number for t in (0, T); at t = ${t} it is ${y}`,
        at,
      );
      return false;
    }
  }
  return true;
}

/** Symmetric with a successful Cholesky factorization. */
function isSpd(m: number[][]): boolean {
  const n = m.length;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) if (Math.abs(m[i][j] - m[j][i]) > 1e-12 * (1 + Math.abs(m[i][j]))) return false;
  const l: number[][] = m.map(() => Array(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 0)) return false;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  return true;
}

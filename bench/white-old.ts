// The baseline of bench/white-sde.ts: the loops as they were before the time split (commit
// 17f40c2), kept verbatim so old and new run in the same process: the white-noise intensity
// table of a tree without product structure (phi at every grid point and trapezoid node, the
// per-grid-point accumulation strided by G, one column per solve), the one-column Cholesky solve
// and the ridge normal sums one row per sweep.
import type { Population } from '../runtime/vkernel/population.js';
import type { GridAxis } from '../runtime/vkernel/white.js';
import { solveLower, solveUpperT } from '../runtime/linalg/cholesky.js';

const T_NODES = 201;

/** The old whiteIntensity(pop, axes, times).q for a tree without a product form (old denseKbar). */
export function oldWhiteTable(pop: Population, axes: GridAxis[], times: Float64Array): Float64Array {
  const { P, state } = pop;
  const { schedule, spec } = state;
  const dim = axes.length;
  const G = axes.reduce((s, a) => s * a.n, 1);
  const xs = new Float64Array(G * dim);
  for (let g = 0; g < G; g++) {
    let r = g;
    for (let a = dim - 1; a >= 0; a--) {
      const i = r % axes[a].n;
      r = Math.floor(r / axes[a].n);
      xs[g * dim + a] = axes[a].n === 1 ? axes[a].lo : axes[a].lo + ((axes[a].hi - axes[a].lo) * i) / (axes[a].n - 1);
    }
  }
  const lambdaAt = (t: number) => {
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    return spec.parametrization === 'denoiser' ? (al * al) / s2 : s2;
  };
  const kbar = oldDenseKbar(pop, xs, G, times);
  const q = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    const c = lambdaAt(times[k]) / P;
    for (let g = 0; g < G; g++) q[k * G + g] = c * Math.max(0, kbar[k * G + g]);
  }
  return q;
}

function nodes(pop: Population): { t: number[]; w: number[] } {
  const [t0, t1] = pop.state.spec.t_range;
  const h = (t1 - t0) / (T_NODES - 1);
  const t = Array.from({ length: T_NODES }, (_, k) => t0 + k * h);
  return { t, w: t.map((_, k) => (k === 0 || k === T_NODES - 1 ? h / 2 : h)) };
}

function oldDenseKbar(pop: Population, xs: Float64Array, G: number, times: Float64Array): Float64Array {
  const { F, state } = pop;
  const { features } = state;
  const u = new Float64Array(F * G);
  const nd = nodes(pop);
  nd.t.forEach((tn, k) => {
    const phi = features.evaluate(xs, new Float64Array(G).fill(tn), G);
    for (let g = 0; g < G; g++) for (let f = 0; f < F; f++) u[f * G + g] += nd.w[k] * phi[g * F + f];
  });
  oldCholeskySolve(pop.cholSigmaG, F, u, G);
  const out = new Float64Array(times.length * G);
  for (let k = 0; k < times.length; k++) {
    const phi = features.evaluate(xs, new Float64Array(G).fill(times[k]), G);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += phi[g * F + f] * u[f * G + g];
      out[k * G + g] = s;
    }
  }
  return out;
}

/** The old choleskySolve: one strided column at a time. */
export function oldCholeskySolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  const col = new Float64Array(n);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < n; k++) col[k] = b[k * m + c];
    solveLower(L, n, col);
    solveUpperT(L, n, col);
    for (let k = 0; k < n; k++) b[k * m + c] = col[k];
  }
}

/** The old primal normal sums: upper triangle of Phi^T Lambda Phi and Phi^T Lambda Y, one row per sweep. */
export function oldNormalSums(
  Phi: Float64Array,
  P: number,
  F: number,
  lambda: Float64Array,
  Y: Float64Array,
  D: number,
): { G: Float64Array; B: Float64Array } {
  const G = new Float64Array(F * F);
  const B = new Float64Array(F * D);
  const v = new Float64Array(F);
  for (let i = 0; i < P; i++) {
    const li = lambda[i];
    const row = i * F;
    for (let a = 0; a < F; a++) v[a] = Phi[row + a];
    for (let a = 0; a < F; a++) {
      const va = li * v[a];
      if (va === 0) continue;
      const ga = a * F;
      for (let b = a; b < F; b++) G[ga + b] += va * v[b];
      for (let d = 0; d < D; d++) B[a * D + d] += va * Y[i * D + d];
    }
  }
  return { G, B };
}

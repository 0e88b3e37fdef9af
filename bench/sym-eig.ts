// The NTK models' dense symmetric eigendecomposition and first-order mean, old against new in one
// process run (runtime/linalg/sym-eig.ts, runtime/vkernel/ntk-mean-bias.ts):
//   npx tsx bench/sym-eig.ts [repeats] [sizes, comma-separated]
// 1. symEig on the NTK population Gram of vkernel/ntk.ts ntkPopulation (two points, VP, depth 1,
//    the model's design of N points) at N = 250, 500, 1000, 2000, and on a Gaussian symmetric
//    matrix at n = 1000 (a generic spectrum: nothing deflates early, the QL phase does full work),
//    against ml-matrix's EigenvalueDecomposition as models/ntk.ts called it before;
// 2. ntkMeanBias on the N = 1000 population at tau = 0.1, 1, 10 (examples/ntk-vs-theory.gtv)
//    against the straightforward formulation (test/runtime-models/ntk-mean-bias-reference.ts).
// Old and new alternate after a warm-up; each row is the median of `repeats` runs of each (wall
// and process CPU time; the machine is shared, so the CPU time is the steadier figure), with the
// agreement.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { makeSchedule } from '../runtime/schedule.js';
import { deriveSeed, normals } from '../runtime/rng.js';
import { targets } from '../runtime/models/linear.js';
import { embed, makeNtkState, ntkTheta, type NtkNode, type NtkState } from '../runtime/models/ntk.js';
import { symEig } from '../runtime/linalg/sym-eig.js';
import { ntkDesign, ntkPopulation } from '../runtime/vkernel/ntk.js';
import { ntkMeanBias } from '../runtime/vkernel/ntk-mean-bias.js';
import { ntkMeanBiasReference } from '../test/runtime-models/ntk-mean-bias-reference.js';

const repeats = Number(process.argv[2] ?? 3);
const sizes = (process.argv[3] ?? '250,500,1000,2000').split(',').map(Number);

const vp = makeSchedule({ kind: 'forward', name: 'vp', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const two = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
const node = (N: number, tau: number): NtkNode => ({
  kind: 'model',
  name: 'n',
  data: 'd',
  forward: 'f',
  type: 'ntk',
  depth: 1,
  samples: 256,
  tau,
  lr: 1,
  design: N,
  t_range: [1e-2, 1],
  seed: 3,
});

/** The matrix ntkPopulation decomposes: lambda_i^{1/2} lambda_j^{1/2} Theta(z_i, z_j) / N. */
function populationGram(state: NtkState, N: number): Float64Array {
  const s = ntkDesign(state, N, deriveSeed(state.spec.seed, 'design'));
  const { lambda } = targets(s, vp, 'denoiser');
  const e = 3;
  const Z = new Float64Array(N * e);
  for (let j = 0; j < N; j++) embed(s.x, s.t[j], 1, state.spec.t_range, Z, j * e, j);
  const sl = lambda.map(Math.sqrt);
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j <= i; j++) {
      const k = (sl[i] * sl[j] * ntkTheta(Z, i * e, Z, j * e, e, state.spec.depth)) / N;
      K[i * N + j] = k;
      K[j * N + i] = k;
    }
  return K;
}

/** models/ntk.ts symEig before: ml-matrix's tred2 + tql2 on arrays of arrays. */
function symEigMlMatrix(K: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, K[i * n + j]);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = V.get(i, j);
  return { values: Float64Array.from(e.realEigenvalues), vectors };
}

/** Standard normal entries on and above the diagonal, mirrored below. */
function gaussianSymmetric(n: number): Float64Array {
  const g = normals(1, n * n);
  return Float64Array.from(g, (_, i) => {
    const [r, c] = [Math.floor(i / n), i % n];
    return r <= c ? g[i] : g[c * n + r];
  });
}

interface Timing {
  wall: number;
  cpu: number;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed<T>(f: () => T): { out: T; t: Timing } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const out = f();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  return { out, t: { wall, cpu: (c.user + c.system) / 1000 } };
}
/** Old and new alternately, `repeats` times each: medians, and the last outputs. */
function compare<T>(oldF: () => T, newF: () => T) {
  const to: Timing[] = [];
  const tn: Timing[] = [];
  let outOld!: T;
  let outNew!: T;
  for (let r = 0; r < repeats; r++) {
    const a = timed(oldF);
    const b = timed(newF);
    to.push(a.t);
    tn.push(b.t);
    outOld = a.out;
    outNew = b.out;
  }
  const m = (ts: Timing[]) => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });
  return { old: m(to), neu: m(tn), outOld, outNew };
}
const ms = (x: number) => (x >= 10 ? x.toFixed(0) : x.toPrecision(2)).padStart(7);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`.padStart(6);

// compiled before anything is timed
const warm = gaussianSymmetric(120);
for (let r = 0; r < 3; r++) {
  symEigMlMatrix(warm, 120);
  symEig(warm, 120);
}

console.log(`symEig, median of ${repeats} (ms; old = ml-matrix, new = linalg/sym-eig.ts)`);
console.log('matrix              n  old wall  new wall  speedup  old cpu  new cpu  speedup  max |dlambda| / |A|');
const cases: [string, number, () => Float64Array][] = sizes.map((N) => [
  'NTK population',
  N,
  () => populationGram(makeNtkState(node(N, 1), two, vp), N),
]);
cases.push(['Gaussian symmetric', 1000, () => gaussianSymmetric(1000)]);
for (const [label, n, make] of cases) {
  const A = make();
  const r = compare(
    () => symEigMlMatrix(A, n),
    () => symEig(A, n),
  );
  const a = r.outOld.values;
  const b = r.outNew.values;
  const norm = Math.max(Math.abs(a[0]), Math.abs(a[n - 1]));
  let dv = 0;
  for (let k = 0; k < n; k++) dv = Math.max(dv, Math.abs(a[k] - b[k]));
  console.log(
    `${label.padEnd(18)} ${String(n).padStart(4)} ${ms(r.old.wall)}   ${ms(r.neu.wall)}   ${ratio(r.old.wall, r.neu.wall)}  ${ms(r.old.cpu)}  ${ms(r.neu.cpu)}  ${ratio(r.old.cpu, r.neu.cpu)}  ${(dv / norm).toExponential(1)}`,
  );
}

console.log(`\nntkMeanBias at N = 1000, median of ${repeats} (ms; old = the straightforward formulation)`);
console.log('tau   K    old wall  new wall  speedup  old cpu  new cpu  speedup  identical');
for (const tau of [0.1, 1, 10]) {
  const N = 1000;
  const pop = ntkPopulation(makeNtkState(node(N, tau), two, vp), N, deriveSeed(3, 'design'));
  const args = [N, 1, pop.lambda, pop.ybar, pop.nu, pop.v, tau, 256] as const;
  const r = compare(
    () => ntkMeanBiasReference(...args),
    () => ntkMeanBias(...args),
  );
  const same = r.outOld !== null && r.outNew !== null && r.outOld.every((x, i) => Object.is(x, r.outNew![i]));
  console.log(
    `${String(tau).padEnd(5)} ${String(pop.nu.length).padEnd(4)} ${ms(r.old.wall)}   ${ms(r.neu.wall)}   ${ratio(r.old.wall, r.neu.wall)}  ${ms(r.old.cpu)}  ${ms(r.neu.cpu)}  ${ratio(r.old.cpu, r.neu.cpu)}  ${same ? 'yes' : 'NO'}`,
  );
}

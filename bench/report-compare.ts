// The report's theory-versus-ensemble bootstrap (study/compare.ts) at Figure 3's size: two
// samples of 100 members over 200 x 200 bins, 200 replicates. Plain: one pooledBins per set and
// replicate (the form compare.ts had, reading all member densities once per replicate); blocked:
// compareTheoryEnsemble, through its JS loops and through its wasm kernel (linalg.wat tvblk). Same
// process, interleaved, the three results checked equal.
// Run: npx tsx bench/report-compare.ts [members] [bins per axis] [repeats]
import type { IrCell, IrSample } from '../compiler/ir/types.js';
import { bootstrap, pooledBins } from '../runtime/metric-errors.js';
import { totalVariation } from '../runtime/metrics.js';
import { deriveSeed, uniforms } from '../runtime/rng.js';
import type { CellResult, NodeResult } from '../runtime/results.js';
import { compareTheoryEnsemble } from '../study/compare.js';
import { linalgSimdEnabled, setLinalgSimd } from '../runtime/linalg/wasm/simd.js';

const [K, bins, repeats] = [
  Number(process.argv[2] ?? 100),
  Number(process.argv[3] ?? 200),
  Number(process.argv[4] ?? 3),
];
const B = bins * bins;
const volume = (3 / bins) ** 2;

function sample(seed: number): NodeResult {
  const u = uniforms(seed, K * B);
  const md = new Float64Array(K * B);
  for (let i = 0; i < md.length; i++) md[i] = u[i] < 0.5 ? 0 : u[i] / (B * volume);
  const density = new Float64Array(B);
  for (let m = 0; m < K; m++) for (let b = 0; b < B; b++) density[b] += md[m * B + b] / K;
  const dims = ['bin_x', 'bin_y'];
  return {
    arrays: {
      density: { shape: [bins, bins], dtype: 'float64', data: density, doc: '', dims },
      member_density: { shape: [K, bins, bins], dtype: 'float64', data: md, doc: '', dims: ['member', ...dims] },
    },
    scalars: { inside_fraction: 0.7 },
    notes: [],
  };
}

const hist = {
  bins,
  range: [
    [-1.5, 1.5],
    [-1.5, 1.5],
  ] as [number, number][],
};
const node = (name: string, method: 'ensemble' | 'effective_sde') =>
  ({ kind: 'sample', name, method, model: 'm', histogram: hist }) as unknown as IrSample;
const cell = {
  id: 'c',
  index: 0,
  values: {},
  seed: 7,
  nodes: [node('a', 'ensemble'), node('b', 'effective_sde')],
} as IrCell;
const a = sample(1);
const b = sample(2);
const result: CellResult = { cellId: 'c', nodes: { a, b }, timings: {}, backend: 'cpu' };

function plain(): number {
  const members = (r: NodeResult) => {
    const md = r.arrays.member_density.data;
    const out = new Float64Array(K * (B + 1));
    for (let k = 0; k < K; k++) {
      let inside = 0;
      for (let j = 0; j < B; j++) inside += out[k * (B + 1) + j] = md[k * B + j] * volume;
      out[k * (B + 1) + B] = Math.max(0, 1 - inside);
    }
    return out;
  };
  const P = members(a);
  const Q = members(b);
  const s = [new Float64Array(B + 1), new Float64Array(B + 1)];
  const ones = new Float64Array(K).fill(1);
  return bootstrap([K, K], deriveSeed(7, 'bootstrap', 'a~b'), (w) =>
    totalVariation(pooledBins(P, ones, w[0], s[0]), pooledBins(Q, ones, w[1], s[1])),
  );
}

/** ms of the blocked form with the linear-algebra module on (its wasm kernel) or off (JS loops), and its result. */
function blocked(simd: boolean): [number, number] {
  const was = linalgSimdEnabled();
  setLinalgSimd(simd);
  const t = performance.now();
  const e = compareTheoryEnsemble(cell, result)[0].tvError;
  const ms = performance.now() - t;
  setLinalgSimd(was);
  return [ms, e];
}

console.log(`${K} members x ${bins}^2 bins, 2 samples, 200 replicates`);
if (!linalgSimdEnabled())
  console.log('WebAssembly SIMD is off (GTV_SIMD=0 or missing): both blocked columns run the JS loops');
for (let r = 0; r < repeats; r++) {
  const t = performance.now();
  const e0 = plain();
  const tPlain = performance.now() - t;
  const [tJs, e1] = blocked(false);
  const [tWasm, e2] = blocked(linalgSimdEnabled());
  if (e0 !== e1 || e0 !== e2) throw new Error(`different errors: ${e0}, ${e1}, ${e2}`);
  console.log(
    `plain ${tPlain.toFixed(0)} ms, blocked (JS) ${tJs.toFixed(0)} ms, blocked (wasm) ${tWasm.toFixed(0)} ms; ` +
      `plain / JS ${(tPlain / tJs).toFixed(2)}, JS / wasm ${(tJs / tWasm).toFixed(2)}`,
  );
}

// A population's heavy steps timed one by one (bench/vkernel.ts --steps): the design's
// sparse rows, the Kronecker Gram, the Cholesky factor, the inverse and the leverages, as
// vkernel/population.ts runs them, with the WebAssembly SIMD kernels and with the JS loops
// (setLinalgSimd(false), as GTV_SIMD=0), median process CPU time of 3 runs each, and the largest
// difference between the two paths relative to the largest entry.
import os from 'node:os';
import type { IrFeatureTree } from '../compiler/ir/types.js';
import type { Schedule } from '../runtime/schedule.js';
import { deriveSeed } from '../runtime/rng.js';
import { makeLinearState, type LinearNode } from '../runtime/models/linear-node.js';
import { targets } from '../runtime/models/linear.js';
import { choleskyInPlace } from '../runtime/linalg/cholesky.js';
import { design } from '../runtime/vkernel/population.js';
import { designRows, weightedGram } from '../runtime/vkernel/design-rows.js';
import { inverseFromCholesky } from '../runtime/linalg/spd-inverse.js';
import { leverages } from '../runtime/vkernel/leverage.js';
import { setLinalgSimd } from '../runtime/linalg/wasm/simd.js';

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

function timed<T>(run: () => T): { r: T; s: number } {
  const ts: number[] = [];
  let r!: T;
  for (let i = 0; i < 3; i++) {
    const c0 = cpu();
    r = run();
    ts.push(cpu() - c0);
  }
  return { r, s: ts.sort((a, b) => a - b)[1] };
}

const relDiff = (a: Float64Array, b: Float64Array) => {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
};

export function stepTimes(
  name: string,
  tree: IrFeatureTree,
  points: number[],
  dim: number,
  N: number,
  schedule: Schedule,
): void {
  const M = points.length / dim;
  const data = { points: Float64Array.from(points), weights: new Float64Array(M).fill(1 / M), M, dim };
  const spec: LinearNode = {
    kind: 'model',
    name: 'lin',
    data: 'd',
    forward: 'f',
    type: 'linear',
    features: 'phi',
    samples: 500,
    ridge: 0.1,
    parametrization: 'denoiser',
    t_range: [1e-2, 1],
    seed: 1,
  };
  const st = makeLinearState(spec, tree, data, schedule);
  const F = st.features.F;
  const s = design(data, schedule, N, spec.t_range, deriveSeed(5, 'population'));
  const w = targets(s, schedule, spec.parametrization).lambda.map((l) => l / N);
  const lines: string[] = [];
  const results: Record<string, Float64Array>[] = [];
  for (const simd of [true, false]) {
    setLinalgSimd(simd);
    const out: Record<string, Float64Array> = {};
    const rows = timed(() => designRows(st.features, s.x, s.t, N));
    const gram = timed(() => weightedGram(rows.r, w));
    for (let a = 0; a < F; a++) gram.r[a * F + a] += spec.ridge;
    const chol = timed(() => {
      const L = gram.r.slice();
      choleskyInPlace(L, F);
      return L;
    });
    const inv = timed(() => inverseFromCholesky(chol.r, F));
    const lev = timed(() => leverages(rows.r, inv.r));
    out.Gram = gram.r;
    out.inverse = inv.r;
    out.leverages = lev.r;
    results.push(out);
    const total = rows.s + gram.s + chol.s + inv.s + lev.s;
    lines.push(
      `| ${simd ? 'WebAssembly SIMD' : 'JS (GTV_SIMD=0)'} | ${[rows.s, gram.s, chol.s, inv.s, lev.s, total].map((v) => v.toFixed(3)).join(' | ')} |`,
    );
  }
  setLinalgSimd(process.env.GTV_SIMD !== '0');
  console.log(
    `${name} population steps (F = ${F}, N = ${N}), median CPU s of 3, load average ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '| path | rows | Gram | Cholesky | inverse | leverages | sum |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  console.log(lines.join('\n'));
  for (const k of Object.keys(results[0]))
    console.log(`${k}: max |simd - js| / max |js| = ${relDiff(results[0][k], results[1][k]).toExponential(2)}`);
}

import { expect } from 'chai';
import type { IrForward } from '../../compiler/ir/types.js';
import { makeSchedule, type Schedule } from '../../runtime/schedule.js';
import { timeGrid } from '../../runtime/timegrid.js';
import { samplePfOde } from '../../runtime/samplers/pf-ode.js';
import { exactScore } from '../../runtime/nodes/basic.js';
import { posterior, type PointSet } from '../../runtime/posterior.js';
import { sampleBinProbabilities, totalVariation } from '../../runtime/metrics.js';
import {
  exactField,
  exactStep,
  integrateExact,
  stepTable,
  unwhiten,
  velocities,
  whiten,
} from '../../runtime/particles/exact-score.js';
import { setSimd } from '../../runtime/particles/wasm/simd.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { expNonPositive } from '../../runtime/particles/exp.js';
import { useWasm } from './helpers.js';
import { awaitWorkers, lastRunStats, setThreads, threadCount } from '../../runtime/pool/pool.js';

const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const aniso = makeSchedule({
  kind: 'forward',
  name: 'f',
  T: 1,
  process: 'anisotropic',
  beta_min: 0.1,
  beta_d: 19.9,
  diffusion: [
    [1, 0.5],
    [0.5, 2],
  ],
  diffusion_time: 'beta',
} as IrForward);

function pointSet(M: number, dim: number): PointSet {
  const points = Float64Array.from({ length: M * dim }, (_, i) => 1.5 * Math.sin(1.7 * i + 0.3));
  const raw = Array.from({ length: M }, (_, m) => 1 + (m % 3));
  const sum = raw.reduce((a, b) => a + b, 0);
  return { points, weights: Float64Array.from(raw.map((w) => w / sum)), M, dim };
}

/** The velocity beta x + D_t s(x) from the float64 posterior score (posterior.ts, a separate loop). */
function referenceVelocity(data: PointSet, s: Schedule, t: number, x: Float64Array): Float64Array {
  const { dim } = data;
  const score = posterior(data, s, t, x, ['score']).score!;
  const D = s.D(t, dim);
  const out = new Float64Array(x.length);
  for (let o = 0; o < x.length; o += dim)
    for (let a = 0; a < dim; a++) {
      let v = s.beta(t) * x[o + a];
      for (let b = 0; b < dim; b++) v += D[a][b] * score[o + b];
      out[o + a] = v;
    }
  return out;
}

/** The loops' velocity at unwhitened points x, mapped back to x coordinates. */
function loopVelocity(data: PointSet, s: Schedule, t: number, x: Float64Array): Float64Array {
  const f = exactField(data, s);
  const y = Float64Array.from(x);
  whiten(f, y);
  const v = new Float64Array(x.length);
  velocities(f, y, x.length / data.dim, exactStep(s, t), v, new Float64Array(data.M));
  unwhiten(f, v);
  return v;
}

/** Largest |a - b| relative to the size of the velocity's terms (beta x and the score term cancel at t ~ T). */
function maxRelDiff(a: Float64Array, b: Float64Array, s: Schedule, t: number, x: Float64Array): number {
  let d = 0;
  let m = 0;
  const scale = Math.abs(s.beta(t)) + Math.abs(s.d(t) / s.s2(t));
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, scale * (Math.abs(x[i]) + 2), Math.abs(b[i]));
  }
  return d / m;
}

describe('runtime/particles/exact-score', () => {
  useWasm();

  it('expNonPositive matches Math.exp to 1e-13 relative on [-708, 0]', () => {
    // Measured worst 2.4e-14 near -708 (1e-16 near 0); weights are only compared with each other.
    let worst = 0;
    for (let i = 0; i <= 100000; i++) {
      const x = -708 * (i / 100000) ** 2;
      worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1));
    }
    expect(worst).to.be.below(1e-13);
    expect(expNonPositive(0)).to.equal(1);
  });

  it('velocity equals beta x + D_t s(x) from posterior.ts to 1e-12 of the size of its terms, dims 1-3, VP and anisotropic, t from T to 1e-4', () => {
    // Independent arithmetic: posterior.ts forms S^{-1}(alpha mu_bar - x) and the test multiplies
    // by D_t; the loops use the cancelled form (d/s2)(alpha mu_bar - x) in whitened coordinates.
    // Both float64; 1e-12 allows the 1/s2 ~ 1e4 amplification of rounding in alpha mu_bar - x.
    const cases: [number, Schedule][] = [
      [1, vp],
      [2, vp],
      [3, vp],
      [2, aniso],
    ];
    for (const [dim, s] of cases) {
      const data = pointSet(7, dim);
      const x = Float64Array.from({ length: 50 * dim }, (_, i) => 2.5 * Math.sin(0.91 * i));
      for (const t of [1, 0.3, 0.05, 1e-3, 1e-4]) {
        const d = maxRelDiff(loopVelocity(data, s, t, x), referenceVelocity(data, s, t, x), s, t, x);
        expect(d, `dim ${dim} ${s.process} t ${t}`).to.be.below(1e-12);
      }
    }
  });

  it("1D Euler steps through WebAssembly give the JS loops' bits: odd counts, skipped weights, many points, a non-finite state", function () {
    setSimd(true);
    if (process.env.GTV_SIMD === '0') this.skip(); // the module is switched off in this run
    const times = timeGrid({ steps: 40, t_min: 1e-4, spacing: 'karras', rho: 7 }, 1);
    for (const M of [1, 3, 64]) {
      const data: PointSet = {
        points: normals(40 + M, M),
        weights: uniforms(50 + M, M).map((u) => 0.1 + u),
        M,
        dim: 1,
      };
      const f = exactField(data, vp);
      const table = stepTable(vp, times);
      for (const n of [1, 2, 1001]) {
        const y0 = normals(60 + n, n).map((z) => 3 * z);
        const run = (simd: boolean) => {
          setSimd(simd);
          const y = y0.slice();
          const steps: number[] = [];
          expect(integrateExact(f, y, n, times, table, 'euler', (k) => steps.push(k))).to.equal(-1);
          expect(steps.length).to.equal(times.length - 1);
          return y;
        };
        const js = run(false);
        const wasm = run(true);
        expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer)), `M ${M}, n ${n}`).to.equal(true);
      }
    }
    // a state that overflows: both paths report the same step
    const f = exactField({ points: Float64Array.of(0), weights: Float64Array.of(1), M: 1, dim: 1 }, vp);
    const huge = Float64Array.of(1, 1e308, 2);
    const table = stepTable(vp, times);
    const bad = (simd: boolean) => {
      setSimd(simd);
      return integrateExact(f, huge.slice(), 3, times, table, 'euler');
    };
    expect(bad(true)).to.equal(bad(false)).and.to.be.at.least(0);
    setSimd(process.env.GTV_SIMD !== '0');
  });

  it('log-sum-exp: far-away particles (every weight underflows) and t -> t_min follow the nearest point', () => {
    // At x = 1e4 and at t = 1e-6 (s2 = 2e-6) every unshifted exp(-|x - alpha mu|^2 / 2 s2) is 0
    // in float64; the shifted softmax keeps the nearest point's weight 1, so the velocity is the
    // single-point closed form beta x + (d/s2)(alpha mu_nearest - x).
    const data: PointSet = {
      points: Float64Array.from([-1, 0, 2]),
      weights: Float64Array.from([0.2, 0.3, 0.5]),
      M: 3,
      dim: 1,
    };
    for (const [t, x, nearest] of [
      [0.5, 1e4, 2],
      [0.5, -1e4, -1],
      [1e-6, 0.6, 0],
      [1e-6, 1.2, 2],
      [1e-6, -0.55, -1],
    ]) {
      const v = loopVelocity(data, vp, t, Float64Array.of(x))[0];
      const closed = vp.beta(t) * x + (vp.d(t) / vp.s2(t)) * (vp.alpha(t) * nearest - x);
      expect(Number.isFinite(v)).to.equal(true);
      expect(v, `t ${t} x ${x}`).to.be.closeTo(closed, 1e-12 * Math.abs(closed));
    }
    // Midway between two equal-weight points at tiny t: both weights are exactly 1 after the
    // shift, so the mean is their average.
    const two: PointSet = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
    const t = 1e-6;
    expect(loopVelocity(two, vp, t, Float64Array.of(0))[0]).to.equal(0);
  });

  it('agrees with the tensor path from the same draws: 1D, 2D and anisotropic 2D, Euler and Heun', () => {
    // The tensor path keeps the state and the score in float32 (relative 6e-8 per step), so the two
    // paths differ by accumulated float32 rounding, amplified where the flow separates between
    // modes. Measured: median 0-1e-7, 99th percentile < 1e-6, max < 1e-3 over 4000 particles. The
    // bounds: 99% of particles within 1e-5, all within 1e-2 unless a particle changed mode (at
    // most 0.1% of them), and the histogram TV between the paths (60 bins per axis) below 1% of the
    // noise floor of two independent n-sample histograms, ~0.5 sqrt(bins / n).
    const n = 4000;
    const times = timeGrid({ steps: 40, t_min: 2e-3, spacing: 'karras', rho: 7 }, 1);
    const cases: [number, Schedule][] = [
      [1, vp],
      [2, vp],
      [2, aniso],
    ];
    for (const [dim, s] of cases)
      for (const solver of ['euler', 'heun'] as const) {
        const data = pointSet(5, dim);
        const o = {
          schedule: s,
          dim,
          draws: n,
          times,
          solver,
          seed: 9,
          score: exactScore(data, s),
          budget: 1e9,
          M: data.M,
        };
        const old = samplePfOde(o);
        const now = samplePfOde({ ...o, exact: data });
        const label = `${dim}D ${s.process} ${solver}`;
        const diffs = Array.from({ length: n }, (_, i) => {
          let d = 0;
          for (let a = 0; a < dim; a++) d = Math.max(d, Math.abs(old[i * dim + a] - now[i * dim + a]));
          return d;
        }).sort((a, b) => a - b);
        expect(diffs[Math.floor(0.99 * n)], label).to.be.below(1e-5);
        expect(diffs.filter((d) => d > 1e-2).length, label).to.be.at.most(n / 1000);
        const bins = 60;
        const spec = { bins, range: Array.from({ length: dim }, () => [-2, 2]) as [number, number][] };
        const tv = totalVariation(sampleBinProbabilities(old, n, dim, spec), sampleBinProbabilities(now, n, dim, spec));
        const floor = 0.5 * Math.sqrt(bins ** dim / n);
        expect(tv, label).to.be.below(0.01 * floor);
      }
  });

  it('gives the same bytes for any chunking (memory budget), and the pf_ode compat mode stays on the tensor path', () => {
    const data = pointSet(4, 2);
    const times = timeGrid({ steps: 20, t_min: 1e-2, spacing: 'karras', rho: 7 }, 1);
    const o = {
      schedule: vp,
      dim: 2,
      draws: 3000,
      times,
      solver: 'heun' as const,
      seed: 5,
      score: exactScore(data, vp),
      M: 4,
      exact: data,
    };
    const whole = samplePfOde({ ...o, budget: 1e9 });
    const chunked = samplePfOde({ ...o, budget: 20000 });
    expect(Buffer.from(chunked.buffer).equals(Buffer.from(whole.buffer))).to.equal(true);
    const compat = { n: 41, range: [-2, 2] as [number, number] };
    const withExact = samplePfOde({ ...o, budget: 1e9, compat });
    const tensor = samplePfOde({ ...o, budget: 1e9, compat, exact: null });
    expect(Buffer.from(withExact.buffer).equals(Buffer.from(tensor.buffer))).to.equal(true);
  });

  it('gives the same bytes on 1 and 2 threads, blocks shared with a worker, Euler and Heun', function () {
    this.timeout(120_000);
    const data = pointSet(6, 2);
    const times = timeGrid({ steps: 20, t_min: 1e-2, spacing: 'karras', rho: 7 }, 1);
    const threadsBefore = threadCount();
    setThreads(2);
    expect(awaitWorkers(60_000)).to.be.at.least(1);
    try {
      for (const solver of ['euler', 'heun'] as const) {
        // 30000 draws: 8 blocks of 4096 (samplers/pf-ode.ts)
        const o = {
          schedule: aniso,
          dim: 2,
          draws: 30000,
          times,
          solver,
          seed: 12,
          score: exactScore(data, aniso),
          M: 6,
          budget: 1e9,
          exact: data,
        };
        setThreads(1);
        const one = samplePfOde(o);
        setThreads(2);
        // The caller may finish every block before the worker picks its message up: retry.
        let two = samplePfOde(o);
        for (let attempt = 1; attempt < 10 && lastRunStats().onCaller === lastRunStats().members; attempt++)
          two = samplePfOde(o);
        const { members, onCaller } = lastRunStats();
        expect(members, 'split into blocks').to.be.at.least(2);
        expect(onCaller, 'the worker took blocks').to.be.below(members);
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), solver).to.equal(true);
      }
    } finally {
      setThreads(threadsBefore);
    }
  });
});

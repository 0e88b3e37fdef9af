// The optimized ensemble execution (runtime/particles and runtime/pool: structured training, fused
// per-particle loops, worker threads) against straightforward references, and across thread counts.
import { expect } from 'chai';
import type { IrFeatureTree, IrSample } from '../../compiler/ir/types.js';
import { compileFeatures } from '../../runtime/features.js';
import { makeLinearState } from '../../runtime/models/linear-node.js';
import { runMembers, type VirtualModels } from '../../runtime/samplers/ensemble.js';
import { population } from '../../runtime/vkernel/population.js';
import { drawOmegaWeights, omegaField } from '../../runtime/vkernel/omega.js';
import { initialState } from '../../runtime/samplers/common.js';
import { deriveSeed, uniforms } from '../../runtime/rng.js';
import { fexp } from '../../runtime/particles/exp.js';
import { timeGrid } from '../../runtime/timegrid.js';
import { selectBackend } from '../../runtime/backend.js';
import { productTrainer } from '../../runtime/particles/train.js';
import { awaitWorkers, lastRunStats, setThreads, threadCount } from '../../runtime/pool/pool.js';
import { dsmSamples } from '../../runtime/models/dsm.js';
import { targets } from '../../runtime/models/linear.js';
import type { PointSet } from '../../runtime/posterior.js';
import { NonFiniteError } from '../../runtime/errors.js';
import { setSimd, simdCalls, simdEnabled, simdExp, simdSinCos } from '../../runtime/particles/wasm/simd.js';
import { PARTICLES_WASM_BASE64 } from '../../runtime/particles/wasm/particles-bytes.js';
import { assembleModule } from '../../scripts/wasm-build.js';
import { axisBasis } from '../../runtime/bases.js';
import { integrateParticles } from '../../runtime/particles/integrate.js';
import { fig2Tree, linearNode, three, vp } from './setup.js';

const basis = (
  basis: 'gauss' | 'fourier' | 'rff',
  axes: ('x' | 'y' | 't')[],
  n: number,
  over: [number, number],
  width = 0,
): IrFeatureTree => ({ op: 'basis', basis, axes, n, over, width, seed: 4 });

const square: PointSet = {
  points: Float64Array.from([1, 0, 0, 1, -1, 0, 0, -1]),
  weights: new Float64Array(4).fill(0.25),
  M: 4,
  dim: 2,
};
// width = spacing / 2 as in Figs. 2-3 (window of 7 centres); `wide` = spacing (window of 15)
const gauss2d = (nt: number, width = 3 / 14): IrFeatureTree => ({
  op: 'product',
  factors: [
    basis('gauss', ['x'], 8, [-1.5, 1.5], width),
    basis('gauss', ['y'], 8, [-1.5, 1.5], width),
    basis('gauss', ['t'], nt, [0.01, 1], 0.06),
  ],
});
const fourier2d: IrFeatureTree = {
  op: 'product',
  factors: [
    basis('fourier', ['x'], 5, [-1.5, 1.5]),
    basis('fourier', ['y'], 5, [-1.5, 1.5]),
    basis('gauss', ['t'], 4, [0.01, 1], 0.2),
  ],
};
// Fig. 3's Fourier panel layout (Fourier in x, y and t), and 1D Fourier (n even: one more
// cosine than sines) with a Gaussian time factor
const fourier2dt: IrFeatureTree = {
  op: 'product',
  factors: [
    basis('fourier', ['x'], 6, [-1.5, 1.5]),
    basis('fourier', ['y'], 7, [-1.5, 1.5]),
    basis('fourier', ['t'], 5, [0.01, 1]),
  ],
};
const fourier1d: IrFeatureTree = {
  op: 'product',
  factors: [basis('fourier', ['x'], 10, [-1.5, 1.5]), basis('gauss', ['t'], 6, [0.01, 1], 0.1)],
};
const rff2d: IrFeatureTree = {
  op: 'product',
  factors: [basis('rff', ['x', 'y'], 40, [-1.5, 1.5], 0.5), basis('gauss', ['t'], 4, [0.01, 1], 0.2)],
};

function sampleNode(dim: number, solver: 'euler' | 'heun', draws = 400, members = 2): IrSample {
  return {
    kind: 'sample',
    name: 's',
    data: 'd',
    forward: 'f',
    draws,
    seed: 5,
    solver,
    grid: { steps: 12, t_min: 1e-2, spacing: 'uniform', rho: 7 },
    histogram: {
      bins: 30,
      range: [
        [-1.5, 1.5],
        [-1.5, 1.5],
      ].slice(0, dim) as [number, number][],
    },
    method: 'ensemble',
    model: 'lin',
    members,
    eval: 'exact',
    table_points: null,
  };
}

/** docs/theory.md 5.2 with mu = W phi(x, t) from features.ts `evaluate`, one particle at a time, float64. */
function reference(tree: IrFeatureTree, data: PointSet, W: Float64Array, node: IrSample, member: number): Float64Array {
  const dim = data.dim;
  const fm = compileFeatures(tree, dim);
  const times = timeGrid(node.grid, vp.T);
  const init = initialState(vp, dim, deriveSeed(node.seed, 'member', member), 0, node.draws);
  const xs = Float64Array.from(init.dataSync());
  init.dispose();
  const velocity = (x: Float64Array, t: number): Float64Array => {
    const phi = fm.evaluate(x, Float64Array.of(t), 1);
    const v = new Float64Array(dim);
    for (let a = 0; a < dim; a++) {
      let mu = 0;
      for (let f = 0; f < fm.F; f++) mu += W[a * fm.F + f] * phi[f];
      v[a] = vp.beta(t) * x[a] + (vp.d(t) / vp.s2(t)) * (vp.alpha(t) * mu - x[a]);
    }
    return v;
  };
  for (let p = 0; p < node.draws; p++) {
    const x = xs.slice(p * dim, (p + 1) * dim);
    for (let k = 0; k + 1 < times.length; k++) {
      const h = times[k] - times[k + 1];
      const v0 = velocity(x, times[k]);
      if (node.solver === 'euler') for (let a = 0; a < dim; a++) x[a] += h * v0[a];
      else {
        const y = x.map((xa, a) => xa + h * v0[a]);
        const v1 = velocity(y, times[k + 1]);
        for (let a = 0; a < dim; a++) x[a] += (h / 2) * (v0[a] + v1[a]);
      }
    }
    xs.set(x, p * dim);
  }
  return xs;
}

// Tolerance: the outputs are float32 (|x| < 4 here, so one rounding is up to 2.4e-7); the fused
// loops sum in another order and drop Gaussian bumps below e^-24 of a row's largest (< 1e-9 in
// mu for these weights); the PF-ODE is contracting, so those differences do not grow. 2e-6 is a
// few float32 ulps, and any real slip (a wrong index, step or coefficient) moves samples by 1e-3
// or more.
const TOL = 2e-6;
// The WebAssembly SIMD kernel (runtime/particles/wasm) rounds the bumps and the weights to float32 and
// sums each window in float32: relative 6e-8 per term of mu, on weights that already carry the
// velocity coefficient d alpha / s2 (~1e2 at t = 0.01 with the VP schedule, where Heun's last
// evaluation sits); 49 such roundings of random sign move a late step by about
// h * 1e2 * 7 * 6e-8 ~ 3e-6 (h = 0.08 here). Measured worst 5.5e-6 (2D Heun); 2e-5 leaves room
// for other weights and is still 50x below the 1e-3 that any real slip (index, step) causes.
const TOL_SIMD = 2e-5;
// Fourier rows in the kernel: the same float32 roundings of rows, weights and sums (the sincos
// itself is 1e-11 relative), but over whole rows, not windows: all n1 n2 = 42 terms of mu (6 x 7,
// the Fig. 3 Fourier case) are O(|W|) where a window's far bumps are small, so about
// h * 1e2 * sqrt(42) * 6e-8 ~ 3e-6 at a late Heun step. Measured worst 3.1e-6 (2D Heun), 1.1e-6
// (1D Heun); 2e-5 leaves the same room, 50x below what a slip (a sine for a cosine, a wrong
// weight column) causes.
const TOL_FOURIER = 2e-5;
/** The kernel's switch as the environment sets it (GTV_SIMD=0: JS loops by default). */
const SIMD_DEFAULT = process.env.GTV_SIMD !== '0';

describe('runtime/particles: optimized ensemble sampling', function () {
  this.timeout(120_000);
  let saved = 1;
  before(async () => {
    await selectBackend('wasm');
    saved = threadCount();
  });
  after(() => setThreads(saved));

  const cases: [string, IrFeatureTree, PointSet, 'euler' | 'heun'][] = [
    ['1D Gaussian x-t product (Fig. 2 layout), euler', fig2Tree(12, 8, 1e-2), three, 'euler'],
    ['1D Gaussian, heun', fig2Tree(12, 8, 1e-2), three, 'heun'],
    ['2D Gaussian x-y-t product (Fig. 3 layout), euler', gauss2d(6), square, 'euler'],
    ['2D Gaussian, heun', gauss2d(6), square, 'heun'],
    ['2D wide Gaussian bumps, euler', gauss2d(6, 3 / 7), square, 'euler'],
    ['2D Fourier x-y with Gaussian t', fourier2d, square, 'euler'],
    ['2D random Fourier features (generic path)', rff2d, square, 'euler'],
    ['2D Fourier x-y-t (Fig. 3 Fourier layout), heun', fourier2dt, square, 'heun'],
    ['1D Fourier x with Gaussian t, euler', fourier1d, three, 'euler'],
    ['1D Fourier, heun', fourier1d, three, 'heun'],
  ];
  // Gaussian cases with the 7-centre window and the Fourier cases run through the SIMD kernel
  // (when this runtime has WebAssembly SIMD, as Node 20 does); the rest, and all cases with SIMD
  // forced off, through the JS loops. One thread, so that the switch (per thread) covers every
  // member.
  const simdCases = new Set([0, 1, 2, 3, 5, 7, 8, 9]);
  const fourierCases = new Set([5, 7, 8, 9]);
  for (const simd of [false, true]) {
    for (const [index, [label, tree, data, solver]] of cases.entries()) {
      const tol = simd && simdCases.has(index) ? (fourierCases.has(index) ? TOL_FOURIER : TOL_SIMD) : TOL;
      it(`equals the direct per-particle evaluation within ${tol} (${simd ? 'SIMD on' : 'SIMD off'}): ${label}`, () => {
        setThreads(1);
        setSimd(simd);
        try {
          const st = makeLinearState(linearNode(200, 1e-2, 3), tree, data, vp);
          // an odd draw count exercises the unpaired last particle (JS 1D loop and the kernel)
          const node = sampleNode(data.dim, solver, 301);
          const Ws = [st.train(0).W, st.train(1).W];
          const before = simdCalls();
          const out = runMembers(node, st, 2, (m) => Ws[m]);
          expect(simdCalls() - before, 'members run by the kernel').to.equal(simd && simdCases.has(index) ? 2 : 0);
          for (let m = 0; m < 2; m++) {
            const ref = reference(tree, data, Ws[m], node, m);
            const got = out.samples.subarray(m * ref.length, (m + 1) * ref.length);
            let worst = 0;
            for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
            expect(worst, `member ${m}`).to.be.below(tol);
          }
        } finally {
          setSimd(SIMD_DEFAULT);
        }
      });
    }
  }

  it('has WebAssembly SIMD on this runtime, and particles-bytes.ts is particles.wat assembled', async () => {
    expect(simdEnabled()).to.equal(SIMD_DEFAULT);
    const built = await assembleModule('particles');
    expect(Buffer.from(built).equals(Buffer.from(PARTICLES_WASM_BASE64, 'base64'))).to.equal(true);
  });

  it("the kernel's exp matches Math.exp to 1e-11 relative on [-708, 709], clamps below and keeps NaN", () => {
    // Degree-9 Taylor on |r| <= ln2/2: truncation 7e-12 relative, four orders below the float32
    // resolution (6e-8) of the rows it feeds; rounding adds a few 1e-16.
    const u = uniforms(12, 100_000);
    const x = Float64Array.from(u, (v, i) => (i % 2 ? -708 + 1417 * v : -30 + 32 * v));
    const got = simdExp(x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(got[i] - Math.exp(x[i])) / Math.exp(x[i]));
    expect(worst).to.be.below(1e-11);
    const [lo, zero, nan] = simdExp(Float64Array.of(-800, 0, NaN));
    expect(lo / Math.exp(-708)).to.be.closeTo(1, 1e-11);
    expect(zero).to.equal(1);
    expect(nan).to.be.NaN;
  });

  it("the kernel's sincos matches Math.sin and Math.cos to 2e-11 relative for |theta| < 1.6e6, stays bounded beyond and keeps NaN", () => {
    // Degree-11 (sin) and 12 (cos) Taylor on |r| <= pi/4: truncation 9e-12 relative, over three
    // orders below the float32 resolution (6e-8) of the rows it feeds; the three-part Cody-Waite
    // reduction is exact to float64 rounding while k (pi/2) is below 2^20 (|theta| < 1.6e6). The
    // kernel sees theta = 2 pi u / L, a few units for any particle in or near the data's range.
    const u = uniforms(13, 100_000);
    const x = Float64Array.from(u, (v, i) => (i % 2 ? -1.6e6 + 3.2e6 * v : -30 + 60 * v));
    const { sin, cos } = simdSinCos(x);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(sin[i] / Math.sin(x[i]) - 1), Math.abs(cos[i] / Math.cos(x[i]) - 1));
    }
    expect(worst).to.be.below(2e-11);
    // quadrant boundaries and exact values
    const at = simdSinCos(Float64Array.of(0, Math.PI / 2, Math.PI, -Math.PI / 2, 1e-30));
    expect(Array.from(at.sin)).to.deep.equal([0, 1, Math.sin(Math.PI), -1, 1e-30]);
    expect(at.cos[0]).to.equal(1);
    expect(at.cos[2]).to.equal(-1);
    // runaway states (theta clamped to 2^40): finite and bounded, so the step stays finite
    // unless the state itself is not; NaN passes through
    const far = simdSinCos(Float64Array.of(3e6, -1e12, 1e300, -Infinity, NaN));
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(far.sin[i])).to.be.at.most(1 + 1e-9);
      expect(Math.abs(far.cos[i])).to.be.at.most(1 + 1e-9);
    }
    expect(far.sin[4]).to.be.NaN;
    expect(far.cos[4]).to.be.NaN;
  });

  it("Fourier rows of up to 32 features (1D; 2D with equal, unequal and odd counts) give the JS loops' velocity within float32 rounding", () => {
    // Two Euler steps with h = [0, 1] and a = 0: x_2 = x_0 + mu_1(x_0), so the difference is the
    // velocity error of evaluation 1 alone (the offset of a later evaluation's weights included).
    // The kernel rounds rows and weights to float32 and sums in float32: each of the n1 n2 terms
    // is off by a few 6e-8 relative, so |error| <= ~1e-6 of S = sum |W| (the bound on |mu|) even
    // if all errors aligned (measured at most 6.5e-8 S); a wrong slot or column moves mu by
    // O(|W|) = O(S / n1 n2) >= 1e-3 S.
    const fourier = (axis: 'x' | 'y', n: number, dim: number) =>
      axisBasis({ op: 'basis', basis: 'fourier', axes: [axis], n, over: [-1.5, 1.5], width: 0, seed: 0 }, dim, 24)!;
    const plan = {
      steps: 2,
      heun: false,
      h: Float64Array.of(0, 1),
      t: new Float64Array(2),
      a: new Float64Array(2),
      G: new Float64Array(2),
      s2: new Float64Array(2),
    };
    for (const ns of [[32], [17], [16, 16], [32, 31], [31, 32], [3, 17]]) {
      const dim = ns.length;
      const space = ns.map((n, i) => fourier(i ? 'y' : 'x', n, dim));
      const Fs = ns.reduce((p, n) => p * n, 1);
      const Wv = Float64Array.from(uniforms(21, 2 * dim * Fs), (v) => 2 * v - 1);
      const S = Math.max(
        ...Array.from({ length: dim }, (_, d) =>
          Wv.subarray((dim + d) * Fs, (dim + d + 1) * Fs).reduce((t, w) => t + Math.abs(w), 0),
        ),
      );
      // particles across and beyond the basis range [-1.5, 1.5]
      const x0 = Float64Array.from(uniforms(22, 301 * dim), (v) => 8 * v - 4);
      const run = (simd: boolean) => {
        setSimd(simd);
        const x = x0.slice();
        const before = simdCalls();
        try {
          integrateParticles(x, 301, dim, space, Wv, plan);
        } finally {
          setSimd(SIMD_DEFAULT);
        }
        return { x, kernel: simdCalls() - before };
      };
      const js = run(false);
      const simd = run(true);
      expect(simd.kernel, `${ns} through the kernel`).to.equal(1);
      let worst = 0;
      for (let i = 0; i < x0.length; i++) worst = Math.max(worst, Math.abs(simd.x[i] - js.x[i]));
      expect(worst / S, `${ns}`).to.be.below(1e-6);
    }
  });

  it('fexp matches Math.exp to 1e-13 relative on [-740, 709] and handles the ends', () => {
    // 1e-13: the table-driven exp is accurate to a few 1e-16 for |x| < 10 and loses ~k * 1e-18
    // in the argument reduction for large |x| (k up to 6.5e4); the loops only need float32 here.
    const u = uniforms(11, 200_000);
    let worst = 0;
    for (let i = 0; i < u.length; i++) {
      const x = i % 2 ? -740 + 1449 * u[i] : -12 + 24 * u[i];
      const want = Math.exp(x);
      if (want > 1e-300) worst = Math.max(worst, Math.abs(fexp(x) - want) / want);
    }
    expect(worst).to.be.below(1e-13);
    expect([fexp(0), fexp(-800), fexp(800)]).to.deep.equal([1, 0, Infinity]);
    expect(fexp(NaN)).to.be.NaN;
  });

  it('structured training equals models/linear.ts ridgeFit (primal and dual) to 1e-12 of max |W|', () => {
    // float64 throughout; the two differ only in summation order and in dropping bumps below
    // e^-40 of their row, both at float64 rounding level (conditioning ~1e4 here).
    for (const [tree, data, P] of [
      [fig2Tree(16, 16, 1e-2), three, 600],
      [fig2Tree(16, 16, 1e-2), three, 200],
      [gauss2d(10), square, 300],
    ] as [IrFeatureTree, PointSet, number][]) {
      const st = makeLinearState(linearNode(P, 1e-2, 2), tree, data, vp);
      const s = dsmSamples(data, vp, P, [1e-2, 1], deriveSeed(2, 'member', 0));
      const { lambda, Y } = targets(s, vp, 'denoiser');
      const fast = productTrainer(tree, data.dim)!.fit(s.x, s.t, P, lambda, Y, data.dim, 0.1);
      const ref = st.train(0).W;
      const scale = Math.max(...ref.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(fast[i] - ref[i]));
      expect(worst / scale, `F = ${st.features.F}, P = ${P}`).to.be.below(1e-12);
    }
  });

  it('stops with a NonFiniteError naming the member and step when the state overflows (JS loops and kernel)', () => {
    for (const [tree, data, simd] of [
      [fig2Tree(12, 8, 1e-2), three, false],
      [gauss2d(5), square, false],
      [fig2Tree(12, 8, 1e-2), three],
      [fig2Tree(12, 8, 1e-2), three, true],
      [gauss2d(5), square, true],
      [fourier2dt, square, true],
      [fourier1d, three, true],
    ] as [IrFeatureTree, PointSet, boolean][]) {
      setThreads(1);
      setSimd(simd);
      const st = makeLinearState(linearNode(100, 1e-2, 3), tree, data, vp);
      const huge = new Float64Array(data.dim * st.features.F).fill(Number.MAX_VALUE);
      let err: unknown = null;
      try {
        runMembers(sampleNode(data.dim, 'euler', 51), st, 1, () => huge);
      } catch (e) {
        err = e;
      } finally {
        setSimd(SIMD_DEFAULT);
      }
      expect(err).to.be.instanceOf(NonFiniteError);
      expect((err as Error).message).to.match(/member 0.*at step \d+/);
    }
  });

  for (const [label, tree] of [
    ['Gaussian', gauss2d(5)],
    ['Fourier', fourier2dt],
  ] as [string, IrFeatureTree][])
    it(`gives the same bytes on 1 and 2 threads and across runs (trained members, virtual models, given weights; ${label})`, () => {
      const st = makeLinearState(linearNode(150, 1e-2, 6), tree, square, vp);
      const node = sampleNode(2, 'euler', 2000, 5);
      const pop = population(st, 400, 7);
      const virtual: VirtualModels = { field: omegaField(pop), mean: pop.Wavg, seeds: [11, 12, 13, 14, 15] };
      // Each mode in the threads, and the same weights computed here first and handed over.
      const modes = [
        { name: 'trained', inThread: 'train' as const, given: (m: number) => st.train(m).W },
        {
          name: 'virtual',
          inThread: virtual,
          given: (m: number) => drawOmegaWeights(virtual.field, virtual.seeds[m], pop.Wavg),
        },
      ];
      const run = (threads: number, weights: Parameters<typeof runMembers>[3]) => {
        setThreads(threads);
        const out = runMembers(node, st, 5, weights);
        return { ...out, onCaller: lastRunStats().onCaller };
      };
      setThreads(2);
      expect(awaitWorkers(60_000)).to.be.at.least(1);
      for (const mode of modes) {
        const reference = run(1, mode.given);
        for (const weights of [mode.inThread, mode.given]) {
          const calls = simdCalls();
          const one = run(1, weights);
          // the kernel ran every member on the caller (unless SIMD is off for this run)
          expect(simdCalls() - calls).to.equal(simdEnabled() ? 5 : 0);
          const again = run(1, weights);
          expect(Buffer.from(again.samples.buffer).equals(Buffer.from(one.samples.buffer)), mode.name).to.equal(true);
          expect(Buffer.from(one.samples.buffer).equals(Buffer.from(reference.samples.buffer)), mode.name).to.equal(
            true,
          );
          expect(one.onCaller).to.equal(5);
          // The worker must really run members, else this compares the caller with itself. A
          // worker picks its message up only after a few ms, and these members are small, so the
          // caller sometimes does all five first: retry until the worker took some (same bytes
          // every time).
          let two = run(2, weights);
          for (let attempt = 1; attempt < 10 && two.onCaller === 5; attempt++) two = run(2, weights);
          expect(two.onCaller).to.be.below(5);
          expect(Buffer.from(two.samples.buffer).equals(Buffer.from(one.samples.buffer)), mode.name).to.equal(true);
          expect(
            Buffer.from(two.memberDensity.buffer).equals(Buffer.from(one.memberDensity.buffer)),
            mode.name,
          ).to.equal(true);
        }
      }
    });
});

// mlp models' numerical core (runtime/models/mlp): the hand-written backward pass against finite
// differences of an independent float64 forward pass, training against the closed-form optimum of
// Gaussian data, and the reproducibility of a member's bytes.
import { expect } from 'chai';
import * as tf from '../../runtime/tf.js';
import { selectBackend } from '../../runtime/backend.js';
import { normals } from '../../runtime/rng.js';
import { dsmSamples } from '../../runtime/models/dsm.js';
import type { MlpConfig, MlpArch } from '../../runtime/models/mlp/config.js';
import { inputs } from '../../runtime/models/mlp/embed.js';
import { initParams, forward, toTensors, type MlpParams } from '../../runtime/models/mlp/network.js';
import { backprop } from '../../runtime/models/mlp/backprop.js';
import { batchIndices, dsmTargets, trainMlp } from '../../runtime/models/mlp/train.js';
import { evalNetwork } from '../../runtime/models/mlp/evaluate.js';
import { vp } from './setup.js';
import { forward64 } from './mlp-reference.js';

const arch = (over: Partial<MlpArch> = {}): MlpArch => ({
  dim: 1,
  width: 8,
  depth: 2,
  activation: 'relu',
  time: 'log_sigma',
  embed: 4,
  x_scale: 1,
  output: 'denoiser',
  t_range: [0.1, 1],
  ...over,
});

describe('mlp models: network and training (runtime/models/mlp)', function () {
  this.timeout(60000);
  before(async () => {
    await selectBackend('wasm');
  });

  it('scales each input block by its own fan-in: x adds x_scale^2 |x|^2 / dim to the first-layer variance, the embedding 1/2', () => {
    const a = arch({ dim: 2, embed: 8, x_scale: 1.5 });
    const e = a.dim + a.embed;
    const x = [0.3, -0.7];
    const u = inputs(a, vp, x, 0.37, 1);
    const ux = (u[0] ** 2 + u[1] ** 2) / e;
    let ue = 0;
    for (let k = a.dim; k < e; k++) ue += u[k] ** 2 / e;
    expect(ux).to.be.closeTo((1.5 ** 2 * (0.3 ** 2 + 0.7 ** 2)) / 2, 1e-6);
    expect(ue).to.be.closeTo(0.5, 1e-6);
  });

  for (const activation of ['relu', 'silu', 'gelu'] as const) {
    it(`backprop (${activation}) equals central differences of the float64 forward pass`, () => {
      const a = arch({ activation, dim: 2, width: 6, depth: 2 });
      const p = initParams(a, 11);
      const n = 5;
      const x = normals(3, n * a.dim);
      const t = Float64Array.from({ length: n }, (_, i) => 0.1 + 0.2 * i);
      const u = inputs(a, vp, x, t, n);
      const e = a.dim + a.embed;
      const y = normals(4, n * a.dim);
      const w = Float64Array.from({ length: n }, (_, i) => 0.5 + i);
      // L = (1/2n) sum_i w_i |f_i - y_i|^2
      const loss64 = (q: MlpParams | { W: Float64Array[]; b: Float64Array[] }) => {
        let L = 0;
        for (let i = 0; i < n; i++) {
          const f = forward64(a, q, u.subarray(i * e, (i + 1) * e));
          for (let d = 0; d < a.dim; d++) L += w[i] * (f[d] - y[i * a.dim + d]) ** 2;
        }
        return L / (2 * n);
      };
      const grads = tf.tidy(() => {
        const net = toTensors(a, p, false);
        const pass = forward(a, net, tf.tensor2d(u, [n, e]));
        const dF = tf.div(
          tf.mul(
            tf.tensor2d(Float32Array.from(w), [n, 1]),
            tf.sub(pass.f, tf.tensor2d(Float32Array.from(y), [n, a.dim])),
          ),
          n,
        ) as tf.Tensor2D;
        const g = backprop(a, net, pass, dF);
        return { W: g.W.map((v) => v.arraySync().flat()), b: g.b.map((v) => v.arraySync()) };
      });
      // Central differences in float64 with h = 1e-5: truncation ~h^2, far below the float32
      // gradient's own rounding (relative ~1e-6 of its scale); relu kinks are not met at 1e-5 for these draws.
      const h = 1e-5;
      const q = { W: p.W.map((v) => Float64Array.from(v)), b: p.b.map((v) => Float64Array.from(v)) };
      let worst = 0;
      let scale = 0;
      for (const kind of ['W', 'b'] as const)
        q[kind].forEach((arr, l) => {
          for (let k = 0; k < arr.length; k++) {
            const v = arr[k];
            arr[k] = v + h;
            const up = loss64(q);
            arr[k] = v - h;
            const dn = loss64(q);
            arr[k] = v;
            const fd = (up - dn) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - grads[kind][l][k]));
            scale = Math.max(scale, Math.abs(fd));
          }
        });
      expect(scale).to.be.greaterThan(1e-2);
      // float32 forward and backward: relative error ~1e-6 per op over a few dozen ops.
      expect(worst / scale).to.be.below(1e-4);
    });
  }

  it('the tfjs forward pass equals the float64 one (float32 rounding only)', () => {
    const a = arch({ activation: 'gelu', dim: 2, width: 16, depth: 3 });
    const p = initParams(a, 5);
    const n = 7;
    const x = normals(8, n * a.dim);
    const f = tf.tidy(() => evalNetwork(a, toTensors(a, p, false), vp, x, 0.3, n));
    const u = inputs(a, vp, x, 0.3, n);
    const e = a.dim + a.embed;
    for (let i = 0; i < n; i++) {
      const ref = forward64(a, p, u.subarray(i * e, (i + 1) * e));
      for (let d = 0; d < a.dim; d++) expect(f[i * a.dim + d]).to.be.closeTo(ref[d], 1e-4 * (1 + Math.abs(ref[d])));
    }
  });

  it('batches over a fixed set visit every sample once per epoch, in a seeded order', () => {
    const P = 10;
    const B = 4;
    const stream = Array.from({ length: 5 }, (_, s) => Array.from(batchIndices(P, B, 9, s))).flat();
    expect(stream.slice(0, 10).sort((u, v) => u - v)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stream.slice(10, 20).sort((u, v) => u - v)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stream.slice(0, 10)).to.not.deep.equal(stream.slice(10, 20));
    expect(Array.from(batchIndices(P, B, 10, 0))).to.not.deep.equal(stream.slice(0, 4));
    expect(Array.from(batchIndices(P, 16, 9, 3))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  describe('Gaussian data: the optimal denoiser is linear and known', () => {
    // x0 ~ N(m, v) (512 draws, whose empirical mean and variance are used: their posterior is the
    // Gaussian one at t >= 0.1, where the noise sd, 0.32, is ~100 point spacings). The Bayes denoiser is
    //   mu*(x, t) = m + alpha v (x - alpha m) / (alpha^2 v + s2)
    // and no denoiser has a lower expected DSM loss.
    const M = 512;
    const z = normals(21, M);
    const m = 0.5;
    const v = 0.25;
    const pts = z.map((q) => m + Math.sqrt(v) * q);
    const mEmp = pts.reduce((s, q) => s + q, 0) / M;
    const vEmp = pts.reduce((s, q) => s + (q - mEmp) ** 2, 0) / M;
    const data = { points: pts, weights: new Float64Array(M).fill(1 / M), M, dim: 1 };
    const bayes = (x: number, t: number) => {
      const al = vp.alpha(t);
      return mEmp + (al * vEmp * (x - al * mEmp)) / (al * al * vEmp + vp.s2(t));
    };

    for (const output of ['denoiser', 'noise'] as const) {
      // The bound: the network closes 85% of the gap between the best constant and the Bayes
      // denoiser on held-out samples (measured: 93% denoiser, 92% noise output, 1500 steps).
      it(`online adam (${output} output) reaches the Bayes loss within 15% of the reducible loss`, () => {
        const cfg: MlpConfig = {
          ...arch({ width: 32, depth: 2, embed: 8, output }),
          samples: 0,
          optimizer: 'adam',
          lr: 3e-3,
          steps: 1500,
          batch: 256,
          weight_decay: 0,
          center: false,
        };
        const { params, loss } = trainMlp(cfg, data, vp, 77);
        const head = loss.slice(0, 50).reduce((s, q) => s + q, 0) / 50;
        const tail = loss.slice(-50).reduce((s, q) => s + q, 0) / 50;
        expect(tail).to.be.below(head / 2);
        // Held-out DSM set, scored in the denoiser's units (every output has the same objective).
        const test = dsmSamples(data, vp, 20000, cfg.t_range, 555);
        const n = test.P;
        const f = tf.tidy(() => evalNetwork(cfg, toTensors(cfg, params, false), vp, test.x, test.t, n));
        const { y, w } = dsmTargets(output, test, vp, n);
        const lam = dsmTargets('denoiser', test, vp, n).w;
        let Lnet = 0;
        let Lbayes = 0;
        let Lmean = 0;
        for (let i = 0; i < n; i++) {
          Lnet += w[i] * (f[i] - y[i]) ** 2;
          Lbayes += lam[i] * (bayes(test.x[i], test.t[i]) - test.x0[i]) ** 2;
          Lmean += lam[i] * (mEmp - test.x0[i]) ** 2;
        }
        // Lnet, Lbayes, Lmean on the same samples: their Monte-Carlo noise is shared.
        expect(Lbayes).to.be.below(0.8 * Lmean);
        expect(Lnet).to.be.at.least(Lbayes * 0.98);
        expect((Lnet - Lbayes) / (Lmean - Lbayes)).to.be.below(0.15);
      });
    }
  });

  describe('reproducible bytes', () => {
    const data = {
      points: Float64Array.from([-1, 0, 1]),
      weights: Float64Array.from([1, 1, 1].map((q) => q / 3)),
      M: 3,
      dim: 1,
    };
    const cfg = (over: Partial<MlpConfig> = {}): MlpConfig => ({
      ...arch({ width: 16 }),
      samples: 64,
      optimizer: 'adam',
      lr: 1e-2,
      steps: 40,
      batch: 16,
      weight_decay: 1e-3,
      center: false,
      ...over,
    });
    const bytes = (p: MlpParams) =>
      Buffer.concat([...p.W, ...p.b].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

    for (const samples of [64, 0]) {
      it(`the same seed gives identical parameters after training (samples = ${samples || 'online'}, wasm)`, () => {
        const a = trainMlp(cfg({ samples }), data, vp, 123);
        const b = trainMlp(cfg({ samples }), data, vp, 123);
        const c = trainMlp(cfg({ samples }), data, vp, 124);
        expect(bytes(a.params).equals(bytes(b.params))).to.equal(true);
        expect(Buffer.from(a.loss.buffer).equals(Buffer.from(b.loss.buffer))).to.equal(true);
        expect(bytes(a.params).equals(bytes(c.params))).to.equal(false);
      });
    }

    it('the initialization is the same bytes on the cpu and wasm backends; training repeats on cpu', async () => {
      const init = initParams(cfg(), 9);
      const onWasm = bytes(roundTrip(cfg(), init));
      await selectBackend('cpu');
      try {
        expect(bytes(roundTrip(cfg(), init)).equals(onWasm)).to.equal(true);
        const a = trainMlp(cfg(), data, vp, 5);
        const b = trainMlp(cfg(), data, vp, 5);
        expect(bytes(a.params).equals(bytes(b.params))).to.equal(true);
      } finally {
        await selectBackend('wasm');
      }
    });
  });
});

/** The parameters through the backend's tensors and back. */
function roundTrip(a: MlpArch, p: MlpParams): MlpParams {
  const net = toTensors(a, p, false);
  const out = { W: net.W.map((w) => w.dataSync() as Float32Array), b: net.b.map((v) => v.dataSync() as Float32Array) };
  tf.dispose([...net.W, ...net.b]);
  return out;
}

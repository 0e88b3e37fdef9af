// The WebAssembly Box-Muller normals (runtime/random/box-muller.wat): its two-lane path against
// its fdlibm reference path, bit for bit, on random pairs and on every rare branch; the reference
// against the JS loop (Math.log, Math.cos, Math.sin) where the engine computes those by fdlibm;
// normals() with the module on and off.
import { expect } from 'chai';
import { BOX_MULLER_WASM_BASE64 } from '../../runtime/random/box-muller-bytes.js';
import { PAIRS, boxMuller, boxMullerReference, setBoxMullerSimd } from '../../runtime/random/box-muller.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { assembleModule } from '../../scripts/wasm-build.js';

const SIMD_DEFAULT = process.env.GTV_SIMD !== '0';

/** Uniform pairs that reach every branch of log and of the sin/cos reduction, and random ones. */
function pairs(): Float64Array {
  const u1: number[] = [];
  const u2: number[] = [];
  const r = uniforms(7, 2 * PAIRS);
  const ulp = 2 ** -52;
  // log: |f| < 2^-20 (near a power of two, exactly one: f = 0), k = 0 (u above sqrt(1/2)), tiny u
  const logs = [
    0.5,
    0.25,
    0.5 * (1 + ulp),
    0.5 * (1 + 1e-7),
    0.25 * (1 - 1e-7),
    1 - 2 ** -30,
    0.75,
    2 ** -54,
    1.5 * 2 ** -30,
  ];
  // theta = 2 pi u2: tiny, exactly or near a multiple of pi/2 (n = 1 near pi/2; n = 2, 3, 4 with
  // the second and third reduction steps), and each quarter's interior
  const thetas = [2 ** -54, 1e-10, 0.1, 0.125, 0.2];
  for (const q of [0.25, 0.5, 0.75, 1 - ulp])
    for (const d of [0, 1, -1, 2 ** 10, -(2 ** 10), 2 ** 25, -(2 ** 25)]) thetas.push(q + d * ulp * q);
  for (let i = 0; i < PAIRS; i++) {
    const k = Math.floor(i / 3);
    u1.push(i % 3 === 0 ? logs[k % logs.length] : r[2 * i]);
    u2.push(i % 3 === 1 ? Math.min(thetas[k % thetas.length], 1 - ulp) : r[2 * i + 1]);
  }
  const u = new Float64Array(2 * PAIRS);
  for (let i = 0; i < PAIRS; i++) [u[2 * i], u[2 * i + 1]] = [u1[i], u2[i]];
  return u;
}

function jsNormals(u: Float64Array): Float64Array {
  const z = new Float64Array(u.length);
  for (let j = 0; j < u.length / 2; j++) {
    const r = Math.sqrt(-2 * Math.log(u[2 * j]));
    const th = 2 * Math.PI * u[2 * j + 1];
    z[2 * j] = r * Math.cos(th);
    z[2 * j + 1] = r * Math.sin(th);
  }
  return z;
}

const same = (a: Float64Array, b: Float64Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('runtime: Box-Muller normals in WebAssembly', () => {
  before(function () {
    setBoxMullerSimd(true);
    if (!boxMuller()) this.skip(); // no WebAssembly SIMD on this runtime: normals take the JS loop
  });
  after(() => setBoxMullerSimd(SIMD_DEFAULT));

  it('box-muller-bytes.ts is box-muller.wat assembled', async () => {
    const built = await assembleModule('boxMuller');
    expect(Buffer.from(built).equals(Buffer.from(BOX_MULLER_WASM_BASE64, 'base64'))).to.equal(true);
  });

  it('the two-lane path gives the reference path bits, rare branches included', () => {
    const u = pairs();
    const bm = boxMuller()!;
    bm.u.set(u);
    bm.run(PAIRS);
    const fast = bm.z.slice();
    expect(same(fast, boxMullerReference(u))).to.equal(true);
    // an odd count ends with one pair through the reference path
    bm.u.set(u);
    bm.run(5);
    expect(same(bm.z.subarray(0, 10), fast.subarray(0, 10))).to.equal(true);
  });

  it('the reference path gives the bits of Math.log, Math.cos and Math.sin (fdlibm in V8 11.3)', function () {
    const [major, minor] = process.versions.v8.split('.').map(Number);
    // Later V8 may compute Math.sin and Math.cos by glibc's algorithm (V8_USE_LIBM_TRIG_FUNCTIONS).
    if (major !== 11 || minor > 3) this.skip();
    const u = pairs();
    expect(same(boxMullerReference(u), jsNormals(u))).to.equal(true);
  });

  it('normals() has the same bits with the module and with the JS loop, at any offset and length', () => {
    for (const [count, offset] of [
      [1, 0],
      [1, 7],
      [5000, 3],
      [2 * PAIRS + 1, 2 * PAIRS - 1],
    ]) {
      setBoxMullerSimd(false);
      const js = normals(11, count, offset);
      setBoxMullerSimd(true);
      const wasm = normals(11, count, offset);
      expect(same(wasm, js), `${count} at ${offset}`).to.equal(true);
    }
  });
});

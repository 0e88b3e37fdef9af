import { expect } from 'chai';
import { categorical, deriveSeed, normals, uniforms } from '../../runtime/rng.js';

describe('runtime/rng', () => {
  it('is a pure function of (seed, index): offsets reproduce slices exactly', () => {
    const all = normals(42, 1001);
    expect(Array.from(normals(42, 300, 351))).to.deep.equal(Array.from(all.subarray(351, 651)));
    expect(Array.from(uniforms(7, 10, 5))).to.deep.equal(Array.from(uniforms(7, 15).subarray(5)));
    expect(normals(43, 5)[0]).to.not.equal(all[0]);
  });

  it('long draws equal one-at-a-time draws across block and 2^32-counter boundaries', () => {
    // normals work in blocks of uniform pairs; uniforms change key every 2^32 counters.
    for (const offset of [3, 2 ** 33 - 4099]) {
      const n = 9001;
      const all = normals(5, n, offset);
      const one = Array.from({ length: n }, (_, i) => normals(5, 1, offset + i)[0]);
      expect(Array.from(all)).to.deep.equal(one);
    }
    const u = uniforms(8, 40, 2 ** 32 - 20);
    expect(Array.from(u)).to.deep.equal(Array.from({ length: 40 }, (_, i) => uniforms(8, 1, 2 ** 32 - 20 + i)[0]));
    expect(uniforms(8, 1, 2 ** 32)[0]).to.not.equal(uniforms(8, 1, 0)[0]);
  });

  it('draws have the right moments and frequencies', () => {
    const n = 200000;
    const z = normals(3, n);
    let m = 0;
    let v = 0;
    let k = 0;
    for (const x of z) {
      m += x;
      v += x * x;
      k += x * x * x * x;
    }
    // 5 standard errors: mean 1/sqrt(n), variance sqrt(2/n), fourth moment sqrt(96/n)
    expect(m / n).to.be.closeTo(0, 5 / Math.sqrt(n));
    expect(v / n).to.be.closeTo(1, 5 * Math.sqrt(2 / n));
    expect(k / n).to.be.closeTo(3, 5 * Math.sqrt(96 / n));
    const c = categorical(9, [1, 3], n, 2, 0, 0);
    const ones = c.reduce((p, x) => p + x, 0) / n;
    expect(ones).to.be.closeTo(0.75, 5 * Math.sqrt(0.1875 / n));
  });

  it('derived seeds depend on every label and their order', () => {
    const a = deriveSeed(1, 'member', 3);
    expect(a).to.equal(deriveSeed(1, 'member', 3));
    expect(a).to.not.equal(deriveSeed(1, 'member', 4));
    expect(a).to.not.equal(deriveSeed(2, 'member', 3));
    expect(deriveSeed(1, 'a', 'b')).to.not.equal(deriveSeed(1, 'b', 'a'));
  });
});

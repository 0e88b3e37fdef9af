import { expect } from 'chai';
import fc from 'fast-check';
import { decodeNpy, encodeNpy, npyHeaderDict } from '../../study/npy.js';

describe('study/npy', () => {
  it('writes the v1.0 header byte for byte as numpy.save does', () => {
    // Expected bytes from the format spec (numpy.lib.format), checked against numpy 2.4 np.save.
    const buf = encodeNpy({ shape: [2, 3], dtype: 'float64', data: new Float64Array(6) });
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    const headerLen = 128 - 10;
    const expected = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, headerLen, 0]),
      Buffer.from(dict + ' '.repeat(headerLen - dict.length - 1) + '\n', 'latin1'),
    ]);
    expect(buf.subarray(0, 128).equals(expected)).to.equal(true);
    expect(buf.length).to.equal(128 + 6 * 8);
  });

  it('formats 0-d, 1-d and n-d shapes as Python tuples', () => {
    expect(npyHeaderDict('float32', [])).to.contain("'shape': ()");
    expect(npyHeaderDict('float32', [5])).to.contain("'shape': (5,)");
    expect(npyHeaderDict('float32', [5, 1, 2])).to.contain("'shape': (5, 1, 2)");
    expect(npyHeaderDict('float32', [5])).to.contain("'descr': '<f4'");
  });

  it('stores little-endian data right after a 64-byte aligned header', () => {
    const buf = encodeNpy({ shape: [2], dtype: 'float32', data: Float32Array.from([1, -2]) });
    const dataStart = 10 + buf.readUInt16LE(8);
    expect(dataStart % 64).to.equal(0);
    expect(buf.readFloatLE(dataStart)).to.equal(1);
    expect(buf.readFloatLE(dataStart + 4)).to.equal(-2);
  });

  it('round-trips float32 and float64 arrays of any shape exactly', () => {
    const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });
    fc.assert(
      fc.property(shapeArb, fc.boolean(), fc.integer(), (shape, f32, seed) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const data = f32 ? new Float32Array(size) : new Float64Array(size);
        for (let i = 0; i < size; i++) data[i] = Math.sin(seed + i) * 10 ** ((i % 7) - 3);
        const dtype = f32 ? 'float32' : 'float64';
        const buf = encodeNpy({ shape, dtype, data });
        expect((10 + buf.readUInt16LE(8)) % 64).to.equal(0);
        const back = decodeNpy(buf);
        expect(back.shape).to.deep.equal(shape);
        expect(back.dtype).to.equal(dtype);
        expect(Array.from(back.data)).to.deep.equal(Array.from(data));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses data that does not match the shape', () => {
    expect(() => encodeNpy({ shape: [3], dtype: 'float64', data: new Float64Array(2) })).to.throw(/shape/);
  });
});

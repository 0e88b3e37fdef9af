// NumPy .npy format version 1.0 (numpy.lib.format): magic, version, a little-endian uint16 header
// length, a Python-literal dict header padded with spaces and a final newline so the data starts
// at a multiple of 64 bytes, then the raw little-endian C-order data. Only float32/float64 are
// needed: every runtime output is one of those.

import { endianness } from 'node:os';

export type NpyDtype = 'float32' | 'float64';

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE = MAGIC.length + 2 + 2; // magic, version, header length
const ALIGN = 64;
const DESCR: Record<NpyDtype, string> = { float32: '<f4', float64: '<f8' };
const LITTLE_ENDIAN = endianness() === 'LE';

/** The header dict exactly as numpy writes it, e.g. `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`. */
export function npyHeaderDict(dtype: NpyDtype, shape: number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${dims}, }`;
}

export function encodeNpy(arr: NpyArray): Buffer {
  return Buffer.concat(npyParts(arr));
}

/**
 * The bytes of encodeNpy as consecutive parts, without copying the data where its bytes are the
 * file's (a little-endian host): the header, then a view of the array. A cell's results are
 * written this way, so a 32 MB member-density map is not copied once more to be written.
 */
export function npyParts(arr: NpyArray): Uint8Array[] {
  const size = arr.shape.reduce((a, b) => a * b, 1);
  if (size !== arr.data.length) {
    throw new Error(`npy: shape [${arr.shape}] holds ${size} values but data has ${arr.data.length}`);
  }
  const expected = arr.dtype === 'float32' ? Float32Array : Float64Array;
  if (!(arr.data instanceof expected)) throw new Error(`npy: data is not a ${arr.dtype} array`);
  const dict = npyHeaderDict(arr.dtype, arr.shape);
  const unpadded = PREAMBLE + dict.length + 1; // + the terminating newline
  const headerLen = dict.length + 1 + ((ALIGN - (unpadded % ALIGN)) % ALIGN);
  const bodyBytes = LITTLE_ENDIAN ? 0 : arr.data.byteLength;
  const out = Buffer.alloc(PREAMBLE + headerLen + bodyBytes);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(headerLen, 8);
  out.write(dict.padEnd(headerLen - 1, ' ') + '\n', PREAMBLE, 'latin1');
  if (LITTLE_ENDIAN) return [out, new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength)];
  const body = out.subarray(PREAMBLE + headerLen);
  // DataView writes little endian whatever the host order is.
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (arr.dtype === 'float32') arr.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else arr.data.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return [out];
}

/** Reads the subset encodeNpy writes (v1.0/v2.0, little-endian f4/f8, C order). */
export function decodeNpy(buf: Uint8Array): NpyArray {
  if (!MAGIC.every((b, i) => buf[i] === b)) throw new Error('npy: bad magic');
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  const header = Buffer.from(buf.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (fortran !== 'False') throw new Error('npy: only C order is supported');
  const dtype = descr === '<f4' ? 'float32' : descr === '<f8' ? 'float64' : undefined;
  if (!dtype || shapeText === undefined) throw new Error(`npy: unsupported header ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const width = dtype === 'float32' ? 4 : 8;
  if (buf.byteLength - offset < size * width) throw new Error('npy: file is truncated');
  if (LITTLE_ENDIAN) {
    // The file's bytes are the array's: a view where they are aligned (a large file read whole
    // starts its own buffer, and the header pads the data to 64 bytes), a copy where not.
    const at = buf.byteOffset + offset;
    const Typed = dtype === 'float32' ? Float32Array : Float64Array;
    if (at % width === 0) return { shape, dtype, data: new Typed(buf.buffer as ArrayBuffer, at, size) };
    const data = new Typed(size);
    new Uint8Array(data.buffer).set(buf.subarray(offset, offset + size * width));
    return { shape, dtype, data };
  }
  const data = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    data[i] = dtype === 'float32' ? view.getFloat32(offset + 4 * i, true) : view.getFloat64(offset + 8 * i, true);
  }
  return { shape, dtype, data };
}

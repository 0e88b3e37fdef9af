// Dense heatmaps as embedded PNG rasters: a 200 x 200 map as SVG rects would be 40 000 elements
// per panel. The colours come from vega's own scheme interpolators, so the raster matches the
// colour legend vega draws beside it exactly.
import * as vega from 'vega';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(4 + body.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 4 + body.length);
  return out;
}

/** An 8-bit RGB PNG from row-major pixels [height][width][3], top row first. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height); // each row starts with filter byte 0
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface ColorScale {
  /** A vega continuous scheme name, e.g. viridis, magma, redblue. */
  scheme: string;
  reverse: boolean;
  domain: [number, number];
  /**
   * How values map onto the scheme, as vega's scale type of the same name does, so the colour bar
   * vega draws matches the raster. Default linear; `log` needs a positive domain and shows values
   * at or below its lower end (zero included) in the lowest colour.
   */
  type?: 'linear' | 'sqrt' | 'log';
}

/** Where `v` falls on the scheme, 0..1 (clamped), as vega's scale of `scale.type` puts it. */
export function schemePosition(scale: ColorScale, v: number): number {
  const [lo, hi] = scale.domain;
  const f =
    scale.type === 'sqrt'
      ? (x: number) => Math.sign(x) * Math.sqrt(Math.abs(x))
      : scale.type === 'log'
        ? (x: number) => Math.log(Math.max(x, lo))
        : (x: number) => x;
  const span = f(hi) - f(lo);
  return Math.max(0, Math.min(1, span > 0 ? (f(v) - f(lo)) / span : 0));
}

function parseRgb(css: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(css);
  if (h) return [0, 2, 4].map((i) => parseInt(h[1].slice(i, i + 2), 16)) as [number, number, number];
  throw new Error(`unexpected colour ${css}`);
}

/** 256-entry lookup table of the scheme (interpolating per pixel would be slow). */
function lut(scale: ColorScale): Uint8Array {
  const interp = vega.scheme(scale.scheme) as ((t: number) => string) | undefined;
  if (typeof interp !== 'function') throw new Error(`unknown colour scheme ${scale.scheme}`);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(parseRgb(interp(scale.reverse ? 1 - i / 255 : i / 255)), i * 3);
  return table;
}

const NAN_RGB = [220, 220, 220];

/**
 * A map field [nx][ny] (x index slow, y fast, as the runtime writes grids) as a PNG data URI with
 * y increasing upwards, each value a `zoom` x `zoom` block so viewers do not blur small grids.
 */
export function heatmapDataUri(values: ArrayLike<number>, nx: number, ny: number, scale: ColorScale, zoom = 1): string {
  const table = lut(scale);
  const w = nx * zoom;
  const h = ny * zoom;
  const rgb = new Uint8Array(w * h * 3);
  for (let py = 0; py < h; py++) {
    const iy = ny - 1 - Math.floor(py / zoom);
    for (let px = 0; px < w; px++) {
      const v = values[Math.floor(px / zoom) * ny + iy];
      const o = (py * w + px) * 3;
      if (!Number.isFinite(v)) rgb.set(NAN_RGB, o);
      else {
        const k = Math.round(schemePosition(scale, v) * 255);
        rgb.set(table.subarray(k * 3, k * 3 + 3), o);
      }
    }
  }
  return `data:image/png;base64,${encodePng(w, h, rgb).toString('base64')}`;
}

// Parsers for data files (csv, npy). They return an error string instead of throwing, so the
// checker can turn a bad file into a diagnostic at the declaration.
import { isAscii } from 'node:buffer';

export type Parsed = { ok: true; points: number[][] } | { ok: false; error: string };

/**
 * Comma, semicolon, tab or whitespace separated numbers, one point per row; a first row that is
 * not all numbers is a header and skipped; `#` lines are comments. A cell holds a plain decimal
 * number: optional sign, digits with an optional decimal point, optional exponent (`-1.5`, `.5`,
 * `2e-3`), optionally inside double quotes (as spreadsheets and pandas write them); its value is
 * `Number(cell)`'s. Hexadecimal, `Infinity`, `NaN`, `1_000` and empty cells are not numbers.
 * Errors name rows (lines of the file) and columns, never a cell's content: the file may hold
 * anything.
 */
export function parseCsv(text: string, maxPoints = Infinity): Parsed {
  const flat = parseCsvFlat(text, maxPoints);
  if (!flat.ok) return flat;
  return { ok: true, points: rowsOf(flat.values, flat.dim, flat.count) };
}

/** Rows of packed points: point i is values[i * dim .. (i + 1) * dim). */
export function rowsOf(values: Float64Array, dim: number, count: number): number[][] {
  const points: number[][] = [];
  // Literals and push make packed arrays (new Array(n) would make holey ones, slower to read).
  for (let i = 0, k = 0; i < count; i++, k += dim) {
    if (dim === 2) points.push([values[k], values[k + 1]]);
    else if (dim === 3) points.push([values[k], values[k + 1], values[k + 2]]);
    else {
      const row: number[] = [];
      for (let a = 0; a < dim; a++) row.push(values[k + a]);
      points.push(row);
    }
  }
  return points;
}

/** The points of a CSV file packed row after row: point i is values[i * dim .. (i + 1) * dim). */
export type ParsedFlat = { ok: true; values: Float64Array; dim: number; count: number } | { ok: false; error: string };

/** Character codes: a file's bytes when they are ASCII (each byte is its UTF-16 code), else UTF-16 units. */
type Codes = Uint8Array | Uint16Array;

function codesOf(input: string | Uint8Array): Codes {
  if (typeof input !== 'string') {
    if (isAscii(input)) return input;
    input = new TextDecoder().decode(input);
  }
  const out = new Uint16Array(input.length);
  for (let k = 0; k < input.length; k++) out[k] = input.charCodeAt(k);
  return out;
}

/** The text of codes[from..to). */
function textOf(codes: Codes, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(codes[k]);
  return s;
}

/**
 * parseCsv's reading into one Float64Array, in one pass over the character codes: cells are cut
 * and their numbers read by code, in place. A 1e6-row file would otherwise make millions of short
 * strings (lines, trimmed lines, cells) before any number exists. A file's bytes are read as they
 * are when they are ASCII: decoding 30 MB into a string cost `gtv check` a fifth of a second.
 */
export function parseCsvFlat(input: string | Uint8Array, maxPoints = Infinity): ParsedFlat {
  const text = codesOf(input);
  const len = text.length;
  let values = new Float64Array(Math.max(1024, len >> 3));
  let used = 0;
  let dim = -1;
  let count = 0;
  let seen = 0;
  let lineNo = 0;
  for (let k = 0; k <= len; k++) {
    // k is at the start of a line; it ends at the \n (or the end of the text) that k passes last.
    lineNo++;
    // As String.trim(): only whitespace, which never makes a cell, so the trimmed line's first
    // character says all that trimming decides (blank, or a # comment).
    while (k < len && text[k] !== 10 && isSpace(text, k)) k++;
    if (k === len || text[k] === 10) continue;
    if (text[k] === 35) {
      k = text.indexOf(10, k);
      if (k < 0) k = len;
      continue;
    }
    seen++;
    const rowStart = used;
    let cells = 0;
    let bad = -1;
    for (;;) {
      while (k < len && text[k] !== 10 && isSeparator(text, k)) k++;
      if (k === len || text[k] === 10) break;
      const v = cellNumber(text, k);
      k = cellEnd;
      if (bad < 0 && !Number.isFinite(v)) bad = cells;
      if (used === values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[used++] = v;
      cells++;
    }
    if (bad >= 0) {
      used = rowStart;
      if (seen === 1) continue;
      return {
        ok: false,
        error: `row ${lineNo}, column ${bad + 1} is not a plain decimal number (such as 1, -0.5 or 2e-3)`,
      };
    }
    if (dim >= 0 && cells !== dim)
      return { ok: false, error: `row ${lineNo} has ${cells} columns, the first row has ${dim}` };
    if (count === maxPoints)
      return {
        ok: false,
        error: `the file holds more than ${maxPoints} points; a data set holds at most ${maxPoints}`,
      };
    dim = cells;
    count++;
  }
  if (count === 0) return { ok: false, error: 'the file holds no data rows' };
  return { ok: true, values: values.slice(0, used), dim, count };
}

const UNICODE_SPACE = /\s/;

/** What \s matches (and String.trim removes): ASCII spaces, tabs, \r, \n and Unicode spaces. */
function isSpace(text: Codes, k: number): boolean {
  const c = text[k];
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && UNICODE_SPACE.test(String.fromCharCode(c)));
}

/** Commas, semicolons and spaces separate cells (a \n also ends the row). */
function isSeparator(text: Codes, k: number): boolean {
  const c = text[k];
  return c === 44 || c === 59 || isSpace(text, k);
}

/** 10^k for k = 0..22, each exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where the cell that cellNumber read ends: its first separator, or the end of the text. */
let cellEnd = 0;

/**
 * The value of the cell starting at text[from] (NaN unless it is a plain decimal number, possibly
 * quoted), equal to Number() of its text bit for bit; sets cellEnd. Most cells take the exact
 * fast path: at most 15 significant digits make an integer m < 2^53 and a decimal exponent
 * |e| <= 22 a power of ten that is exact, so m * 10^e and m / 10^-e are one correctly rounded
 * operation, as Number() is. Longer mantissas and exponents go to Number() itself.
 */
function cellNumber(text: Codes, from: number): number {
  const quoted = text[from] === 34;
  const v = quoted ? Number.NaN : decimalAt(text, from);
  let end = quoted ? from + 1 : numberEnd;
  if (!quoted && (end === text.length || isSeparator(text, end))) {
    cellEnd = end;
    return v;
  }
  while (end < text.length && !isSeparator(text, end)) end++;
  cellEnd = end;
  // A quoted cell: "..." around a number, with nothing else in the cell.
  if (quoted && end - from >= 2 && text[end - 1] === 34) {
    const inner = decimalAt(text, from + 1);
    if (numberEnd === end - 1) return inner;
  }
  return Number.NaN;
}

/** Where the number decimalAt read ends (the first character after it). */
let numberEnd = 0;

/** The plain decimal number at the start of text[from..] (NaN if none); sets numberEnd. */
function decimalAt(text: Codes, from: number): number {
  let k = from;
  let c = text[k];
  const negative = c === 45;
  if (c === 45 || c === 43) c = text[++k];
  let mantissa = 0;
  let digits = 0; // significant digits read into the mantissa (leading zeros excluded)
  let dropped = 0; // significant digits beyond 15 (the fast path cannot take them)
  let scale = 0; // digits after the decimal point read into the mantissa
  let seen = 0; // digits of the mantissa part, zeros included
  while (c >= 48 && c <= 57) {
    if (digits < 15) {
      mantissa = mantissa * 10 + (c - 48);
      if (mantissa > 0) digits++;
    } else dropped++;
    seen++;
    c = text[++k];
  }
  if (c === 46) {
    c = text[++k];
    while (c >= 48 && c <= 57) {
      if (digits < 15) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa > 0) digits++;
        scale++;
      } else dropped++;
      seen++;
      c = text[++k];
    }
  }
  numberEnd = k;
  if (seen === 0) return Number.NaN;
  let exponent = 0;
  if (c === 101 || c === 69) {
    c = text[++k];
    const expNegative = c === 45;
    if (c === 45 || c === 43) c = text[++k];
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      if (exponent < 1e6) exponent = exponent * 10 + (c - 48);
      expDigits++;
      c = text[++k];
    }
    numberEnd = k;
    if (expDigits === 0) return Number.NaN;
    if (expNegative) exponent = -exponent;
  }
  const e = exponent - scale;
  if (dropped > 0 || e > 22 || e < -22) return Number(textOf(text, from, k));
  const v = e >= 0 ? mantissa * POW10[e] : mantissa / POW10[-e];
  return negative ? -v : v;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** NumPy .npy format 1.0, 2.0 or 3.0, little-endian float64/float32/int32/int64, C order, shape (M,) or (M, D). */
export function parseNpy(bytes: Uint8Array, maxPoints = Infinity): Parsed {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b))
    return { ok: false, error: 'not a .npy file (bad magic bytes)' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3)
    return {
      ok: false,
      error: `unsupported .npy format version ${major}.${bytes[7]} (gtv reads versions 1.0, 2.0 and 3.0)`,
    };
  if (major > 1 && bytes.length < 12) return { ok: false, error: 'truncated .npy header' };
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length)
    return {
      ok: false,
      error: `truncated .npy header (it says ${headerLen} bytes, the file has ${bytes.length - start} after the preamble)`,
    };
  // Version 3 headers are UTF-8; 1 and 2 are latin-1. Only ASCII matters for the fields read.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) return { ok: false, error: 'unreadable .npy header' };
  if (fortran) return { ok: false, error: 'Fortran-ordered arrays are not supported; save with C order' };
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dims.some((s) => !/^\d+L?$/.test(s) || !Number.isSafeInteger(Number(s.replace(/L$/, ''))))) {
    return { ok: false, error: `invalid shape (${dims.join(', ')}): each dimension must be a whole number >= 0` };
  }
  const shape = dims.map((s) => Number(s.replace(/L$/, '')));
  if (shape.length < 1 || shape.length > 2)
    return { ok: false, error: `shape (${shape.join(', ')}) is not (M,) or (M, D)` };
  const readers: Record<string, [number, (o: number) => number]> = {
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const reader = readers[descr];
  if (!reader) return { ok: false, error: `dtype ${descr} is not supported (use float64, float32, int32 or int64)` };
  const [size, read] = reader;
  const m = shape[0];
  const d = shape.length === 2 ? shape[1] : 1;
  const dataStart = start + headerLen;
  if (dataStart + m * d * size > bytes.length) return { ok: false, error: 'the file is shorter than its shape says' };
  if (m === 0 || d === 0) return { ok: false, error: 'the array is empty' };
  if (m > maxPoints) return { ok: false, error: `the array holds ${m} points; a data set holds at most ${maxPoints}` };
  const out: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let k = 0; k < d; k++) row.push(read(dataStart + (i * d + k) * size));
    if (row.some((v) => !Number.isFinite(v))) return { ok: false, error: `row ${i} holds a non-finite value` };
    out.push(row);
  }
  return { ok: true, points: out };
}

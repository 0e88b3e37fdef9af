// Parsers for data files (csv, npy). They return an error string instead of throwing, so the
// checker can turn a bad file into a diagnostic at the declaration.

export type Parsed = { ok: true; points: number[][] } | { ok: false; error: string };

/**
 * A CSV cell holds a plain decimal number: optional sign, digits with an optional decimal point,
 * optional exponent (`-1.5`, `.5`, `2e-3`), optionally inside double quotes (as spreadsheets and
 * pandas write them). Hexadecimal, `Infinity`, `NaN`, `1_000` and empty cells are not numbers.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function cellValue(cell: string): number {
  const bare = cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1).trim() : cell;
  return DECIMAL.test(bare) ? Number(bare) : Number.NaN;
}

/**
 * Comma, semicolon, tab or whitespace separated numbers, one point per row; a first row that is
 * not all numbers is a header and skipped; `#` lines are comments. Errors name rows and columns,
 * never a cell's content: the file may hold anything.
 */
export function parseCsv(text: string, maxPoints = Infinity): Parsed {
  const rows = text.split(/\r?\n/);
  const out: number[][] = [];
  let seen = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (row === '' || row.startsWith('#')) continue;
    seen++;
    const cells = row.split(/[,;\t]|\s+/).filter((c) => c !== '');
    const values = cells.map(cellValue);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      if (seen === 1) continue;
      return { ok: false, error: `row ${i + 1}, column ${bad + 1} is not a plain decimal number (such as 1, -0.5 or 2e-3)` };
    }
    if (out.length > 0 && values.length !== out[0].length) {
      return { ok: false, error: `row ${i + 1} has ${values.length} columns, the first row has ${out[0].length}` };
    }
    if (out.length === maxPoints) return { ok: false, error: `the file holds more than ${maxPoints} points; a data set holds at most ${maxPoints}` };
    out.push(values);
  }
  if (out.length === 0) return { ok: false, error: 'the file holds no data rows' };
  return { ok: true, points: out };
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** NumPy .npy format 1.0, 2.0 or 3.0, little-endian float64/float32/int32/int64, C order, shape (M,) or (M, D). */
export function parseNpy(bytes: Uint8Array, maxPoints = Infinity): Parsed {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) return { ok: false, error: 'not a .npy file (bad magic bytes)' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) return { ok: false, error: `unsupported .npy format version ${major}.${bytes[7]} (gtv reads versions 1.0, 2.0 and 3.0)` };
  if (major > 1 && bytes.length < 12) return { ok: false, error: 'truncated .npy header' };
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) return { ok: false, error: `truncated .npy header (it says ${headerLen} bytes, the file has ${bytes.length - start} after the preamble)` };
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
  if (shape.length < 1 || shape.length > 2) return { ok: false, error: `shape (${shape.join(', ')}) is not (M,) or (M, D)` };
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

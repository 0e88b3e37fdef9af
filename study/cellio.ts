// The on-disk form of one cell's results, shared by the cache and the run folder:
//   <node>.<array>.npy   every array (NumPy-loadable)
//   metrics.json         { node: { scalar: value, label: "text" } } for nodes that have scalars
//                        or labels (a metric's se_over)
//   metrics.csv          the same as a long table: node,name,value
//   result.json          everything else needed to rebuild the CellResult (shapes, docs, notes,
//                        timings, backend) plus the cell's IR, so a folder is self-describing
//   SHA256SUMS           the sha256 of every other file as written (`sha256sum -c SHA256SUMS`
//                        checks it); the cache reuses a folder only if they all still match
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrCell } from '../compiler/ir/types.js';
import type { CellResult, NodeResult, ResultArray } from '../runtime/light.js';
import { toCsv } from './csv.js';
import { sha256 } from './hash.js';
import { decodeNpy, npyParts } from './npy.js';

export const RESULT_FILE = 'result.json';
export const CHECKSUM_FILE = 'SHA256SUMS';

interface ArrayEntry {
  node: string;
  array: string;
  file: string;
  shape: number[];
  /** One name per axis of `shape` (docs/outputs.md); absent in folders of gtv 0.2.0 and older. */
  dims?: string[];
  dtype: ResultArray['dtype'];
  doc: string;
}

interface ResultMeta {
  cell_id: string;
  backend: string;
  timings: Record<string, number>;
  arrays: ArrayEntry[];
  scalars: Record<string, Record<string, number | null>>;
  /** Absent in folders written before labels existed. */
  labels?: Record<string, Record<string, string>>;
  notes: Record<string, string[]>;
  cell: IrCell;
}

/** Folder-safe form of a cell id (`eps=0.0001,P=64` stays readable). */
export function cellDirName(cellId: string): string {
  return cellId.replace(/[^A-Za-z0-9._=,+-]/g, '_');
}

export function arrayFileName(node: string, array: string): string {
  return `${node}.${array}.npy`;
}

/** Writes every file of a cell into `dir` (which the caller makes atomic). */
export function writeCellFiles(dir: string, cell: IrCell, result: CellResult): void {
  const sums: [string, string][] = [];
  // Hashes of the bytes meant to be on disk, so a write the disk got wrong is caught as well.
  const put = (file: string, data: string | Uint8Array | Uint8Array[]): void => {
    if (!Array.isArray(data)) {
      fs.writeFileSync(path.join(dir, file), data);
      sums.push([file, sha256(data)]);
      return;
    }
    const hash = createHash('sha256');
    const fd = fs.openSync(path.join(dir, file), 'w');
    try {
      for (const part of data) {
        hash.update(part);
        for (let off = 0; off < part.length;) {
          const n = fs.writeSync(fd, part, off, part.length - off);
          if (n <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          off += n;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    sums.push([file, hash.digest('hex')]);
  };
  const arrays: ArrayEntry[] = [];
  const scalars: ResultMeta['scalars'] = {};
  const labels: NonNullable<ResultMeta['labels']> = {};
  const perNode: Record<string, Record<string, number | string | null>> = {};
  const notes: ResultMeta['notes'] = {};
  const metricRows: (string | number | null)[][] = [];
  for (const [node, res] of Object.entries(result.nodes)) {
    for (const [name, arr] of Object.entries(res.arrays)) {
      const file = arrayFileName(node, name);
      // Readers label axes by `dims`; a producer whose names do not match its shape is a gtv bug.
      if (arr.dims.length !== arr.shape.length)
        throw new Error(
          `internal: array ${node}.${name} has dims [${arr.dims.join(', ')}] for shape [${arr.shape.join(', ')}]`,
        );
      put(file, npyParts(arr));
      arrays.push({ node, array: name, file, shape: arr.shape, dims: arr.dims, dtype: arr.dtype, doc: arr.doc });
    }
    if (Object.keys(res.scalars).length > 0) {
      // JSON has no NaN/Infinity: those become null and are read back as NaN.
      scalars[node] = Object.fromEntries(
        Object.entries(res.scalars).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
      );
      for (const [k, v] of Object.entries(res.scalars)) metricRows.push([node, k, v]);
      perNode[node] = { ...scalars[node] };
    }
    if (res.labels && Object.keys(res.labels).length > 0) {
      labels[node] = { ...res.labels };
      for (const [k, v] of Object.entries(res.labels)) metricRows.push([node, k, v]);
      perNode[node] = { ...perNode[node], ...res.labels };
    }
    if (res.notes.length > 0) notes[node] = res.notes;
  }
  put('metrics.json', JSON.stringify(perNode, null, 2) + '\n');
  put('metrics.csv', toCsv(['node', 'name', 'value'], metricRows));
  const meta: ResultMeta = {
    cell_id: result.cellId,
    backend: result.backend,
    timings: result.timings,
    arrays,
    scalars,
    labels,
    notes,
    cell,
  };
  put(RESULT_FILE, JSON.stringify(meta, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, CHECKSUM_FILE), sums.map(([file, hash]) => `${hash}  ${file}\n`).join(''));
}

export function isCompleteCellDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, RESULT_FILE));
}

/**
 * Why the cell folder `dir` cannot be trusted, or null when every file it should hold is there
 * with the sha256 recorded when it was written. A folder without SHA256SUMS (an older gtv) is
 * not trusted either.
 */
export function cellDirProblem(dir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, CHECKSUM_FILE), 'utf8');
  } catch {
    return `no ${CHECKSUM_FILE} (written by an older gtv, or damaged)`;
  }
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{64}) {2}([^/\\]+)$/.exec(line);
    if (!m) return `${CHECKSUM_FILE} is damaged`;
    sums.set(m[2], m[1]);
  }
  if (!sums.has(RESULT_FILE)) return `${CHECKSUM_FILE} is damaged (no ${RESULT_FILE})`;
  for (const [file, hash] of sums) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(dir, file));
    } catch {
      return `${file} is missing`;
    }
    if (sha256(bytes) !== hash) return `${file} does not match its sha256`;
  }
  // result.json matched its hash; every file it relies on must be covered too.
  let meta: ResultMeta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, RESULT_FILE), 'utf8')) as ResultMeta;
  } catch {
    return `${RESULT_FILE} is damaged`;
  }
  for (const file of [...meta.arrays.map((e) => e.file), 'metrics.json', 'metrics.csv']) {
    if (!sums.has(file)) return `${file} has no checksum in ${CHECKSUM_FILE}`;
  }
  return null;
}

/** Arrays up to this size are kept once read; larger ones are read again on each access. */
const KEEP_BYTES = 1 << 20;

/** Rebuilds the CellResult a cell folder was written from. Arrays are read from disk on first
 * access: plots use a few of them, and per-member arrays can be tens of megabytes, which are not
 * kept (a run's report reads each once; kept, Figure 3's would hold 400 MB to the end). */
export function readCellFiles(dir: string): CellResult {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, RESULT_FILE), 'utf8')) as ResultMeta;
  const nodes: Record<string, NodeResult> = {};
  const nodeOf = (name: string): NodeResult => (nodes[name] ??= { arrays: {}, scalars: {}, notes: [] });
  for (const e of meta.arrays) {
    let loaded: ResultArray | undefined;
    Object.defineProperty(nodeOf(e.node).arrays, e.array, {
      enumerable: true,
      get: (): ResultArray => {
        if (loaded) return loaded;
        const npy = decodeNpy(fs.readFileSync(path.join(dir, e.file)));
        const array: ResultArray = {
          shape: npy.shape,
          dtype: npy.dtype,
          data: npy.data,
          doc: e.doc,
          dims: e.dims ?? npy.shape.map((_, i) => `axis_${i}`),
        };
        if (npy.data.byteLength <= KEEP_BYTES) loaded = array;
        return array;
      },
    });
  }
  for (const [node, s] of Object.entries(meta.scalars)) {
    nodeOf(node).scalars = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v ?? NaN]));
  }
  for (const [node, l] of Object.entries(meta.labels ?? {})) nodeOf(node).labels = l;
  for (const [node, n] of Object.entries(meta.notes)) nodeOf(node).notes = n;
  return { cellId: meta.cell_id, nodes, timings: meta.timings, backend: meta.backend };
}

/** Fills `dst` with copies of the files of `src`. Copies, not hard links: a user who rewrites an
 * array of a run folder in place (np.save does) must not change the cache. A copy-on-write clone
 * where the file system has them (btrfs, XFS, APFS), so large arrays cost no space until edited. */
export function copyCellFiles(src: string, dst: string): void {
  for (const f of fs.readdirSync(src))
    fs.copyFileSync(path.join(src, f), path.join(dst, f), fs.constants.COPYFILE_FICLONE);
}

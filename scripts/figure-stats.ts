// The Figure 2 and Figure 3 numbers quoted in README.md, each with its standard error over
// ensemble members, from a full run's member densities:
//   npx tsx scripts/figure-stats.ts fig2 RUN_DIR    gap mass per cell (trained and theory)
//   npx tsx scripts/figure-stats.ts fig3 RUN_DIR    side / diagonal fill per panel
//   npx tsx scripts/figure-stats.ts mlp RUN_DIR     examples/mlp-vs-theory.gtv: TV of ensemble means
//                                                   against the half-split floor, gap mass per sampler
// The pooled value is the mean of the members' values (equal draws per member), and its error is
// sd(member values) / sqrt(members). The measures are those the suite asserts
// (test/examples-run/measures.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeNpy } from '../study/npy.js';
import { gapMass1d, squareFill } from '../test/examples-run/measures.js';

interface Manifest {
  cells: { id: string; dir: string }[];
}

const [figure, runDir] = process.argv.slice(2);
if (!['fig2', 'fig3', 'mlp'].includes(figure) || !runDir) {
  console.error('usage: npx tsx scripts/figure-stats.ts fig2|fig3|mlp RUN_DIR');
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'manifest.json'), 'utf8')) as Manifest;

const decoded = new Map<string, { shape: number[]; data: Float64Array }>();

/** A cell's array, decoded once (the mlp table reads each member-density file for two measures). */
function read(cellDir: string, file: string) {
  const key = path.join(runDir, cellDir, file);
  let out = decoded.get(key);
  if (!out) {
    const a = decodeNpy(fs.readFileSync(key));
    out = { shape: a.shape, data: a.data as Float64Array };
    decoded.set(key, out);
  }
  return out;
}

/** Mean and standard error over members of f(member density). */
function overMembers(
  cellDir: string,
  node: string,
  f: (density: { shape: number[]; data: Float64Array }) => number,
): string {
  const all = read(cellDir, `${node}.member_density.npy`);
  const [members, ...bins] = all.shape;
  const size = bins.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: members }, (_, m) =>
    f({ shape: bins, data: all.data.subarray(m * size, (m + 1) * size) }),
  );
  const mean = v.reduce((a, b) => a + b, 0) / members;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (members - 1));
  return `${mean.toFixed(3)} ± ${(sd / Math.sqrt(members)).toFixed(3)}`;
}

/** The members' mean density and the means of the even and odd members. */
function means(cellDir: string, node: string): { all: Float64Array; even: Float64Array; odd: Float64Array } {
  const d = read(cellDir, `${node}.member_density.npy`);
  const [members, ...bins] = d.shape;
  const size = bins.reduce((a, b) => a * b, 1);
  const out = { all: new Float64Array(size), even: new Float64Array(size), odd: new Float64Array(size) };
  for (let m = 0; m < members; m++)
    for (let k = 0; k < size; k++) {
      const v = d.data[m * size + k];
      out.all[k] += v / members;
      (m % 2 ? out.odd : out.even)[k] += v / Math.ceil((members - (m % 2)) / 2);
    }
  return out;
}

/** TV between two densities on the bins of `node` (1D or 2D, uniform bins). */
function tv(cellDir: string, node: string, p: Float64Array, q: Float64Array): number {
  const width = (axis: string) => {
    const file = path.join(runDir, cellDir, `${node}.edges_${axis}.npy`);
    if (!fs.existsSync(file)) return 1;
    const e = read(cellDir, `${node}.edges_${axis}.npy`).data;
    return e[1] - e[0];
  };
  let s = 0;
  for (let k = 0; k < p.length; k++) s += Math.abs(p[k] - q[k]);
  return 0.5 * s * width('x') * width('y');
}

function firstOrderRatios(cellDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(runDir, cellDir, 'metrics.csv'), 'utf8').split('\n')) {
    const [node, name, value] = line.split(',');
    if (name === 'first_order_ratio') out[node] = Number(value).toFixed(2);
  }
  return out;
}

for (const c of manifest.cells) {
  if (figure === 'mlp') {
    const edges = read(c.dir, 'trained1.edges_x.npy');
    const gap = (d: { shape: number[]; data: Float64Array }) => gapMass1d(d, edges, [-1, 1], 0.2);
    const fo = firstOrderRatios(c.dir);
    for (const [trained, others] of [
      ['trained1', ['theory1', 'infinite1', 'linear1']],
      ['trained2', ['theory2', 'infinite2']],
    ] as const) {
      const t = means(c.dir, trained);
      const cols = [`floor ${tv(c.dir, trained, t.even, t.odd).toFixed(3)}`];
      for (const o of others) {
        cols.push(`TV ${o} ${tv(c.dir, trained, t.all, means(c.dir, o).all).toFixed(3)}`);
        if (fo[o]) cols.push(`first-order ratio ${fo[o]}`);
      }
      if (trained === 'trained1')
        for (const n of [trained, ...others]) cols.push(`gap ${n} ${overMembers(c.dir, n, gap)}`);
      console.log(`${c.id}\t${trained}\t${cols.join('\t')}`);
    }
  } else if (figure === 'fig2') {
    const edges = read(c.dir, 'trained.edges_x.npy');
    const gap = (d: { shape: number[]; data: Float64Array }) => gapMass1d(d, edges, [-1, 0, 1], 0.2);
    console.log(`${c.id}\ttrained ${overMembers(c.dir, 'trained', gap)}\ttheory ${overMembers(c.dir, 'theory', gap)}`);
  } else {
    const pts = read(c.dir, 'square.points.npy').data;
    const P = [0, 1, 2, 3].map((m) => [pts[2 * m], pts[2 * m + 1]]);
    for (const node of ['bump_trained', 'bump_theory', 'wave_trained', 'wave_theory']) {
      const [ex, ey] = [read(c.dir, `${node}.edges_x.npy`), read(c.dir, `${node}.edges_y.npy`)];
      const fill = (key: 'adjacent' | 'opposite') => (d: { shape: number[]; data: Float64Array }) =>
        squareFill(d, ex, ey, P, 0.15, 0.35)[key];
      console.log(
        `${c.id}\t${node}\tsides ${overMembers(c.dir, node, fill('adjacent'))}\tdiagonals ${overMembers(c.dir, node, fill('opposite'))}`,
      );
    }
  }
}

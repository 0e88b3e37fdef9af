// `gtv diff --results RUN_A RUN_B`: two run folders (gtv-out/<study>/<run-id>/, study/manifest.ts
// and study/cellio.ts) compared cell by cell: every scalar metric side by side with its
// difference, and the total variation between the density histograms of each sample.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../../study/manifest.js';
import { isCompleteCellDir, readCellFiles } from '../../study/cellio.js';
import { UsageError } from '../exit.js';

/** Equal within float64 round-off of the values compared (relative). */
export const RESULTS_TOLERANCE = 1e-9;

export interface MetricRow {
  cell: string;
  node: string;
  name: string;
  a: number | null;
  b: number | null;
  diff: number | null;
}

export interface DensityRow {
  cell: string;
  node: string;
  /** Total variation between the two histograms, each normalized to mass 1. */
  tv: number;
}

export interface ResultsDiff {
  metrics: MetricRow[];
  densities: DensityRow[];
  /** Cells present (and complete) in only one of the runs. */
  onlyA: string[];
  onlyB: string[];
  equal: boolean;
}

export function readManifest(dir: string, command: string): Manifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new UsageError(`\`${dir}\` is not a run folder (no ${MANIFEST_FILE})`, command);
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

export function diffResults(dirA: string, dirB: string, command: string): ResultsDiff {
  const [ma, mb] = [readManifest(dirA, command), readManifest(dirB, command)];
  const done = (m: Manifest, dir: string) =>
    new Map(
      m.cells
        .filter((c) => c.status === 'done' && isCompleteCellDir(join(dir, c.dir)))
        .map((c) => [c.id, join(dir, c.dir)]),
    );
  const [ca, cb] = [done(ma, dirA), done(mb, dirB)];
  const out: ResultsDiff = { metrics: [], densities: [], onlyA: [], onlyB: [], equal: true };
  out.onlyA = [...ca.keys()].filter((k) => !cb.has(k));
  out.onlyB = [...cb.keys()].filter((k) => !ca.has(k));
  for (const [id, da] of ca) {
    const db = cb.get(id);
    if (!db) continue;
    const [ra, rb] = [readCellFiles(da), readCellFiles(db)];
    const nodes = [...new Set([...Object.keys(ra.nodes), ...Object.keys(rb.nodes)])].sort();
    for (const node of nodes) {
      const [na, nb] = [ra.nodes[node], rb.nodes[node]];
      const names = [...new Set([...Object.keys(na?.scalars ?? {}), ...Object.keys(nb?.scalars ?? {})])].sort();
      for (const name of names) {
        const a = na?.scalars[name] ?? null;
        const b = nb?.scalars[name] ?? null;
        const diff = a !== null && b !== null ? b - a : null;
        out.metrics.push({ cell: id, node, name, a, b, diff });
      }
      const [ha, hb] = [na?.arrays.density, nb?.arrays.density];
      if (ha && hb && ha.data.length === hb.data.length)
        out.densities.push({ cell: id, node, tv: totalVariation(ha.data, hb.data) });
    }
  }
  const same = (r: MetricRow) =>
    r.a === null || r.b === null ? r.a === r.b || (Number.isNaN(r.a) && Number.isNaN(r.b)) : sameNumber(r.a, r.b);
  out.equal =
    out.onlyA.length === 0 &&
    out.onlyB.length === 0 &&
    out.metrics.every(same) &&
    out.densities.every((d) => d.tv <= RESULTS_TOLERANCE);
  return out;
}

function sameNumber(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= RESULTS_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** 1/2 sum |p - q| over bins, after normalizing each histogram to total mass 1 (bins are equal-sized). */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) [sp, sq] = [sp + p[i], sq + q[i]];
  if (sp === 0 || sq === 0) return sp === sq ? 0 : 1;
  let tv = 0;
  for (let i = 0; i < p.length; i++) tv += Math.abs(p[i] / sp - q[i] / sq);
  return tv / 2;
}

export function renderResults(d: ResultsDiff): string {
  const lines: string[] = [];
  const num = (v: number | null) => (v === null ? '-' : Number.isNaN(v) ? 'NaN' : String(Number(v.toPrecision(6))));
  const cells = [...new Set([...d.metrics.map((m) => m.cell), ...d.densities.map((x) => x.cell)])];
  for (const cell of cells) {
    lines.push(`cell ${cell}`);
    const rows = d.metrics
      .filter((m) => m.cell === cell)
      .map((m) => [
        `  ${m.node}.${m.name}`,
        num(m.a),
        num(m.b),
        m.diff === null ? '' : `${m.diff >= 0 ? '+' : ''}${num(m.diff)}`,
      ]);
    const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i].length)));
    for (const r of rows)
      lines.push(
        `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`.trimEnd(),
      );
    for (const x of d.densities.filter((x) => x.cell === cell))
      lines.push(`  ${x.node} density: total variation ${num(x.tv)}`);
  }
  for (const c of d.onlyA) lines.push(`cell ${c}: only in the first run`);
  for (const c of d.onlyB) lines.push(`cell ${c}: only in the second run`);
  lines.push(d.equal ? 'results are equal' : 'results differ');
  return lines.join('\n') + '\n';
}

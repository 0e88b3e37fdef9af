// Whole studies as a user runs them (issue 13): `node bin/gtv.js run examples/<study>.gtv --fresh`
// from the build (`npm run build` first), each run in a fresh process under /usr/bin/time. Prints
// per run: wall time, CPU time (user + system), average cores used (CPU / wall), peak RSS, and
// where the time went, from the run's manifest: the summed node times of each kind (exact-score
// PF-ODE, trained ensembles, effective SDE, maps, other nodes) and the plots. Node times are wall
// times inside the cells; with cells on one thread and members on all, they add up to about the
// run's wall time less start-up, report and plots.
// With `--keep DIR` the last run of each study is kept as DIR/<study>; with `--compare DIR` each
// run is checked against such a kept run, cell by cell, for every sampler with per-member
// densities (trained ensembles, effective SDE): the total variation between the two runs'
// ensemble-mean histograms, against the half-split noise floor, the TV between the means of this
// run's even and odd members (two independent full means differ by about floor / sqrt 2); and the
// gap mass of both runs (mean +- SE over members) with their difference in standard errors.
// Run: npx tsx bench/studies.ts [--scale F] [--repeat N] [--keep DIR] [--compare DIR] [study ...]
//      (default: fig2-gap-filling and fig3-rotated-square at full statistics, once each)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IrNode } from '../compiler/ir/types.js';
import type { Manifest } from '../study/manifest.js';
import { decodeNpy } from '../study/npy.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'gtv.js');
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: run `npm run build` first');

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const scale = option('--scale');
const repeat = Number(option('--repeat') ?? 1);
const keep = option('--keep');
const compareTo = option('--compare');
const studies = argv.length > 0 ? argv : ['fig2-gap-filling', 'fig3-rotated-square'];

/** The bucket a node's time goes to. */
function kindOf(node: IrNode): string {
  if (node.kind === 'sample') {
    if (node.method === 'pf_ode') return node.model === 'true' ? 'exact' : 'pf_ode';
    if (node.method === 'ensemble') return 'trained';
    if (node.method === 'effective_sde') return 'theory';
    return node.method;
  }
  return node.kind === 'map' ? 'maps' : 'other';
}

/** The members' mean of a [members, ...bins] density array, and of its even and odd members, each as masses summing to 1. */
function means(file: string): { all: Float64Array; even: Float64Array; odd: Float64Array } {
  const a = decodeNpy(readFileSync(file));
  const members = a.shape[0];
  const bins = a.data.length / members;
  const sum = (pick: (m: number) => boolean) => {
    const out = new Float64Array(bins);
    for (let m = 0; m < members; m++) if (pick(m)) for (let b = 0; b < bins; b++) out[b] += a.data[m * bins + b];
    const total = out.reduce((t, v) => t + v, 0);
    return out.map((v) => v / total);
  };
  return { all: sum(() => true), even: sum((m) => m % 2 === 0), odd: sum((m) => m % 2 === 1) };
}

const tv = (p: Float64Array, q: Float64Array) => 0.5 * p.reduce((t, v, i) => t + Math.abs(v - q[i]), 0);

/** Gap radius by dimension: Figure 2's 0.2 (docs/theory-checks.md 2); 2D the vertex discs of scripts/figure-stats.ts. */
const GAP_RADIUS = [0, 0.2, 0.35];

/**
 * Gap mass of each member of a sampler in a cell folder, mean and standard error over members: the
 * mass of the bins whose centre lies inside the training points' bounding box and farther than
 * GAP_RADIUS from every point (the points of the cell's one data node); null without one.
 */
function gapMass(cellDir: string, sampler: string): { mean: number; se: number } | null {
  const pointFiles = readdirSync(cellDir).filter((n) => n.endsWith('.points.npy'));
  if (pointFiles.length !== 1) return null;
  const pts = decodeNpy(readFileSync(join(cellDir, pointFiles[0])));
  const dim = pts.shape[1];
  if (dim > 2) return null;
  const edges = ['x', 'y']
    .slice(0, dim)
    .map((a) => decodeNpy(readFileSync(join(cellDir, `${sampler}.edges_${a}.npy`))).data);
  const centres = edges.map((e) => Array.from({ length: e.length - 1 }, (_, i) => (e[i] + e[i + 1]) / 2));
  const lo = Array.from({ length: dim }, (_, a) =>
    Math.min(...Array.from({ length: pts.shape[0] }, (_, i) => pts.data[i * dim + a])),
  );
  const hi = Array.from({ length: dim }, (_, a) =>
    Math.max(...Array.from({ length: pts.shape[0] }, (_, i) => pts.data[i * dim + a])),
  );
  const r2 = GAP_RADIUS[dim] ** 2;
  const nx = centres[0].length;
  const ny = dim === 2 ? centres[1].length : 1;
  const inGap = new Uint8Array(nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const c = dim === 2 ? [centres[0][i], centres[1][j]] : [centres[0][i]];
      if (c.some((v, a) => v <= lo[a] || v >= hi[a])) continue;
      let far = true;
      for (let p = 0; p < pts.shape[0] && far; p++) {
        let d2 = 0;
        for (let a = 0; a < dim; a++) d2 += (c[a] - pts.data[p * dim + a]) ** 2;
        far = d2 > r2;
      }
      inGap[i * ny + j] = far ? 1 : 0;
    }
  const a = decodeNpy(readFileSync(join(cellDir, `${sampler}.member_density.npy`)));
  const members = a.shape[0];
  const bins = nx * ny;
  // Densities are per unit volume over all of a member's draws (runtime/histogram.ts), so a bin's mass is density x volume.
  const width = edges.map((e) => Array.from({ length: e.length - 1 }, (_, i) => e[i + 1] - e[i]));
  const v = Array.from({ length: members }, (_, m) => {
    let gap = 0;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++)
        if (inGap[i * ny + j]) gap += a.data[m * bins + i * ny + j] * width[0][i] * (dim === 2 ? width[1][j] : 1);
    return gap;
  });
  const mean = v.reduce((t, x) => t + x, 0) / members;
  const sd = Math.sqrt(v.reduce((t, x) => t + (x - mean) ** 2, 0) / (members - 1));
  return { mean, se: sd / Math.sqrt(members) };
}

/**
 * Per cell and sampler with member densities: TV against the kept run and the half-split floor; the
 * gap mass of both runs (mean +- SE over members) and their difference in standard errors.
 */
function compareRuns(runDir: string, keptDir: string, study: string): void {
  console.log(
    `\n${study} against ${keptDir}:\n| cell | sampler | TV(this, kept) | half-split floor | TV <= floor | gap this | gap kept | |diff| / SE | within 3 SE |`,
  );
  console.log('| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |');
  for (const cell of readdirSync(join(runDir, 'cells')).sort()) {
    for (const f of readdirSync(join(runDir, 'cells', cell)).filter((n) => n.endsWith('.member_density.npy'))) {
      const sampler = f.split('.')[0];
      const kept = join(keptDir, 'cells', cell, f);
      if (!existsSync(kept)) {
        console.log(`| ${cell} | ${sampler} | (not in the kept run) | | | | | | |`);
        continue;
      }
      const a = means(join(runDir, 'cells', cell, f));
      const d = tv(a.all, means(kept).all);
      const floor = tv(a.even, a.odd);
      const g = gapMass(join(runDir, 'cells', cell), sampler);
      const k = gapMass(join(keptDir, 'cells', cell), sampler);
      const pm = (x: { mean: number; se: number }) => `${x.mean.toFixed(3)} +- ${x.se.toFixed(3)}`;
      const z = g && k ? Math.abs(g.mean - k.mean) / Math.hypot(g.se, k.se) : NaN;
      const gapCols =
        g && k
          ? `${pm(g)} | ${pm(k)} | ${Number.isFinite(z) ? z.toFixed(2) : '0'} | ${!(z > 3) ? 'yes' : 'NO'}`
          : ' | | |';
      console.log(
        `| ${cell} | ${sampler} | ${d.toFixed(4)} | ${floor.toFixed(4)} | ${d <= floor ? 'yes' : 'NO'} | ${gapCols} |`,
      );
    }
  }
}

const KINDS = ['exact', 'pf_ode', 'trained', 'theory', 'naive', 'maps', 'other'];
const s = (ms: number) => (ms / 1000).toFixed(1);

console.log(
  `gtv run --fresh${scale ? ` --scale ${scale}` : ''} (node ${process.version}); load average before: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(
  `| study | run | wall s | CPU s | cores | peak RSS MiB | ${KINDS.map((k) => `${k} s`).join(' | ')} | plots s | load after |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ${KINDS.map(() => '---:').join(' | ')} | ---: | ---: |`);
for (const study of studies) {
  for (let k = 1; k <= repeat; k++) {
    const dir = mkdtempSync(join(tmpdir(), 'gtv-bench-studies-'));
    try {
      const args = [BIN, 'run', join(ROOT, 'examples', `${study}.gtv`), '--fresh', '-q'];
      args.push('-o', join(dir, 'run'), '--cache', join(dir, 'cache'));
      if (scale) args.push('--scale', scale);
      const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...args], {
        encoding: 'utf8',
        cwd: ROOT,
      });
      const line = /TIME (\S+) (\S+) (\S+) (\S+)\s*$/.exec(r.stderr);
      if (r.status !== 0 || !line) throw new Error(`gtv run ${study} failed (${r.status}):\n${r.stderr}`);
      const [wall, user, sys, rssKb] = line.slice(1).map(Number);
      const manifest = JSON.parse(readFileSync(join(dir, 'run', 'manifest.json'), 'utf8')) as Manifest;
      const byKind = new Map<string, number>();
      for (const cell of manifest.cells) {
        const nodes = manifest.ir.cells.find((c) => c.id === cell.id)!.nodes;
        for (const [name, ms] of Object.entries(cell.timings ?? {})) {
          const node = nodes.find((n) => n.name === name);
          const kind = node ? kindOf(node) : 'other';
          byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
        }
      }
      const plots = manifest.plots.reduce((t, p) => t + (p.ms ?? 0), 0);
      const row = () =>
        `| ${study} | ${k} | ${wall.toFixed(1)} | ${(user + sys).toFixed(1)} | ${((user + sys) / wall).toFixed(2)} | ${(rssKb / 1024).toFixed(0)} | ${KINDS.map((kind) => s(byKind.get(kind) ?? 0)).join(' | ')} | ${s(plots)} | ${loadavg()[0].toFixed(1)} |`;
      console.log(row());
      if (compareTo) compareRuns(join(dir, 'run'), join(compareTo, study), study);
      if (keep && k === repeat) cpSync(join(dir, 'run'), join(keep, study), { recursive: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

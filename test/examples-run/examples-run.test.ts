// Every study in examples/ runs at --scale 0.01 (the real compiler and runtime, in process) and
// its run folder holds what docs/outputs.md and study/README.md promise: a complete manifest,
// every cell's arrays with the documented shapes and finite values, metrics finite and in their
// ranges, and every plot as SVG and PNG plus report.html.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IrMetric } from '../../compiler/ir/types.js';
import { expectedShapes } from './expected-shapes.js';
import { exampleRun, readArray, readJson, TEST_SCALE, type ExampleRun } from './run-example.js';

const examples = fs
  .readdirSync('examples')
  .filter((f) => f.endsWith('.gtv'))
  .map((f) => f.replace(/\.gtv$/, ''))
  .sort();

interface ResultJson {
  arrays: { node: string; array: string; file: string; shape: number[]; dims: string[] }[];
}

/** [lo, hi] of each metric's `value` (docs/outputs.md, metric table). */
function valueRange(m: IrMetric, dim: number): [number, number] {
  switch (m.metric) {
    case 'memorized_fraction':
    case 'gap_mass':
    case 'total_variation':
      return [0, 1];
    case 'nearest_distance':
    case 'kl':
      return [0, Infinity];
    case 'effective_dimension':
      return [1 - 1e-9, dim + 1e-9];
    case 'mmd':
      // Unbiased squared MMD: slightly negative values are estimator noise; a Gaussian kernel
      // bounds it by 2.
      return [-0.05, 2];
  }
}

const timings: [string, number][] = [];

describe('examples run at --scale 0.01', function () {
  this.timeout(600000);
  after(() => {
    const total = timings.reduce((s, [, ms]) => s + ms, 0);
    console.log(
      `      example runs (wall, this process): ${timings.map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)}s`).join(', ')}; total ${(total / 1000).toFixed(1)}s`,
    );
  });

  for (const name of examples) {
    describe(name, () => {
      let run: ExampleRun;
      before(async () => {
        run = await exampleRun(name);
        timings.push([name, run.ms]);
      });

      it('completes every cell and records the scale', () => {
        expect(run.manifest.status, run.manifest.error ?? '').to.equal('complete');
        expect(run.manifest.scale).to.equal(TEST_SCALE);
        expect(run.manifest.cells.length).to.be.at.least(1);
        for (const c of run.manifest.cells) expect(c.status, c.id).to.equal('done');
      });

      it('writes every plot as SVG, PNG, PDF and Vega-Lite spec, the metrics table and report.html', () => {
        expect(run.manifest.plots.length).to.equal(run.manifest.ir.plots.length);
        for (const p of run.manifest.plots) {
          for (const ext of ['.svg', '.png', '.pdf', '.vl.json'])
            expect(
              p.files.some((f) => f.endsWith(ext)),
              `${p.name}${ext}`,
            ).to.equal(true);
          for (const f of p.files) expect(fs.statSync(path.join(run.runDir, f)).size, f).to.be.greaterThan(100);
        }
        for (const f of ['report.html', 'metrics.csv', 'metrics.json', 'study.gtv'])
          expect(fs.existsSync(path.join(run.runDir, f)), f).to.equal(true);
      });

      it('writes every documented array with its documented shape, all values finite, and dims for every axis', () => {
        for (const cell of run.manifest.ir.cells) {
          const dir = run.manifest.cells.find((c) => c.id === cell.id)!.dir;
          const listed = readJson<ResultJson>(run, dir, 'result.json').arrays;
          for (const node of cell.nodes) {
            for (const [array, shape] of Object.entries(expectedShapes(run.manifest.ir, node, cell.nodes))) {
              const where = `${cell.id} ${node.name}.${array}`;
              const entry = listed.find((a) => a.node === node.name && a.array === array);
              expect(entry, `${where} missing from result.json`).to.not.equal(undefined);
              const a = readArray(run, cell.id, entry!.file);
              expect(a.shape, where).to.deep.equal(shape);
              expect(entry!.shape, where).to.deep.equal(shape);
              expect(
                a.data.every((v) => Number.isFinite(v)),
                `${where} has non-finite values`,
              ).to.equal(true);
            }
          }
          // Every array, documented above or not, names each of its axes once (readers rely on it).
          for (const e of listed) {
            expect(e.dims, `${cell.id} ${e.node}.${e.array} dims`).to.have.length(e.shape.length);
            expect(new Set(e.dims).size, `${cell.id} ${e.node}.${e.array} dims repeat`).to.equal(e.dims.length);
          }
        }
      });

      it('has every metric finite and in its range', () => {
        for (const cell of run.manifest.ir.cells) {
          const dir = run.manifest.cells.find((c) => c.id === cell.id)!.dir;
          const metrics = readJson<Record<string, Record<string, number | null>>>(run, dir, 'metrics.json');
          for (const node of cell.nodes) {
            if (node.kind !== 'metric') continue;
            const data = cell.nodes.find((n) => n.kind === 'data' && n.name === node.data);
            const dim = data && data.kind === 'data' ? data.dim : 0;
            const value = metrics[node.name]?.value;
            const where = `${cell.id} ${node.name} (${node.metric})`;
            expect(value, where).to.be.a('number');
            expect(Number.isFinite(value), where).to.equal(true);
            const [lo, hi] = valueRange(node, dim);
            expect(value!, where).to.be.within(lo, hi);
          }
          // Histogram bookkeeping of every sample node: n samples, a fraction inside the range.
          for (const node of cell.nodes) {
            if (node.kind !== 'sample') continue;
            const s = metrics[node.name];
            expect(s?.inside_fraction, `${cell.id} ${node.name}.inside_fraction`).to.be.within(0, 1);
            expect(s?.n, `${cell.id} ${node.name}.n`).to.be.greaterThan(0);
          }
        }
      });
    });
  }
});

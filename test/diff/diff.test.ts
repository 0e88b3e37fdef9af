// `gtv diff` on pairs of studies (test/diff/fixtures/base.gtv against one change each) and
// `--results` on two run folders written with the study writer's own functions.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFile } from '../../compiler/driver.js';
import type { CellResult } from '../../runtime/results.js';
import { writeCellFiles, cellDirName } from '../../study/cellio.js';
import { MANIFEST_FILE } from '../../study/manifest.js';
import { totalVariation } from '../../cli/commands/diff-results.js';
import { runCli } from '../cli/capture.js';

const F = 'test/diff/fixtures';
const diff = (b: string, ...flags: string[]) => runCli(['diff', ...flags, `${F}/base.gtv`, `${F}/${b}.gtv`]);

describe('gtv diff A.gtv B.gtv', () => {
  const cases: [string, string][] = [
    ['setting', 'seed: 1 -> 2\n'],
    [
      't-min',
      't_min: 0.01 -> 0.001\nmodel lin: t_range [0.01, 1] -> [0.001, 1]\nsample trained: grid.t_min 0.01 -> 0.001\n',
    ],
    ['parameter', 'forward vp: beta_d 19.9 -> 10\n'],
    ['ridge', 'model lin: ridge 0.1 -> 0.01\n'],
    ['sweep-added', 'sweep P: added 2048\n'],
    ['sweep-removed', 'sweep P: removed 64\n'],
    ['axis-added', 'sweep n: added axis [4, 8]\n'],
    ['node-added', 'sample exact: added pf_ode\n'],
    ['data', 'data train: added point [2]\n'],
    ['plot', 'plot gap: by [P] -> []\nplot gap: file gap.svg -> gap.png\n'],
    ['per-cell', 'model lin: samples 64 -> 128 (in cell P=64)\nmodel lin: samples 128 -> 256 (in cell P=128)\n'],
  ];
  for (const [name, expected] of cases) {
    it(`${name}: reports the change and exits 1`, async () => {
      const r = await diff(name);
      expect([r.code, r.stdout, r.stderr]).to.deep.equal([1, expected, '']);
    });
  }

  it('reverses: a node removed and an axis removed', async () => {
    const r = await runCli(['diff', `${F}/node-added.gtv`, `${F}/base.gtv`]);
    expect(r.stdout).to.equal('sample exact: removed\n');
    const axis = await runCli(['diff', `${F}/axis-added.gtv`, `${F}/base.gtv`]);
    expect(axis.stdout.split('\n')[0]).to.equal('sweep n: removed axis [4, 8]');
  });

  it('a formatting- and comment-only change is equal: exit 0', async () => {
    const r = await diff('formatted');
    expect([r.code, r.stdout]).to.deep.equal([0, 'no differences\n']);
  });

  it('--format json gives the structured changes', async () => {
    const r = await diff('ridge', '--format', 'json');
    expect(JSON.parse(r.stdout)).to.deep.equal({
      equal: false,
      changes: [{ subject: 'model lin', field: 'ridge', from: 0.1, to: 0.01 }],
    });
  });

  it('errors in either file are printed and exit 2; so are usage errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gtv-diff-'));
    writeFileSync(join(dir, 'bad.gtv'), 'study s {\n  forward vp = vp_cosin()\n}\n');
    const r = await runCli(['diff', `${F}/base.gtv`, join(dir, 'bad.gtv')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('error[GTV0202]');
    expect((await runCli(['diff', `${F}/base.gtv`])).code).to.equal(2);
    expect((await runCli(['diff', '--format', 'xml', `${F}/base.gtv`, `${F}/base.gtv`])).code).to.equal(2);
  });
});

describe('gtv diff --results', () => {
  const doc = compileFile(`${F}/base.gtv`).studies[0];

  /** A run folder with every cell of base.gtv: one density and one metric per cell. */
  function runFolder(density: number[], metric: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'gtv-run-'));
    const cells = doc.cells.map((cell) => {
      const result: CellResult = {
        cellId: cell.id,
        backend: 'cpu',
        timings: {},
        nodes: {
          trained: {
            arrays: {
              density: {
                shape: [density.length],
                dtype: 'float64',
                data: Float64Array.from(density),
                doc: 'density per bin [bins]',
                dims: ['bin_x'],
              },
            },
            scalars: { inside_fraction: metric },
            notes: [],
          },
        },
      };
      const cellDir = join(dir, 'cells', cellDirName(cell.id));
      mkdirSync(cellDir, { recursive: true });
      writeCellFiles(cellDir, cell, result);
      return {
        id: cell.id,
        index: cell.index,
        values: cell.values,
        key: '',
        dir: `cells/${cellDirName(cell.id)}`,
        status: 'done',
        from: 'computed',
        ms: 1,
        timings: {},
        error: null,
      };
    });
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ manifest_version: 1, study: doc.study, cells, ir: doc }));
    return dir;
  }

  it('equal runs: exit 0', async () => {
    const r = await runCli(['diff', '--results', runFolder([1, 2, 1], 0.9), runFolder([1, 2, 1], 0.9)]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('results are equal');
  });

  it('different runs: metrics side by side with their difference, TV of the densities, exit 1', async () => {
    const r = await runCli(['diff', '--results', runFolder([1, 2, 1], 0.9), runFolder([1, 1, 2], 0.85)]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('cell P=64\n');
    expect(r.stdout).to.match(/trained\.inside_fraction\s+0\.9\s+0\.85\s+-0\.05/);
    // [1,2,1]/4 vs [1,1,2]/4: (0 + 1/4 + 1/4) / 2
    expect(r.stdout).to.contain('trained density: total variation 0.25');
    const json = JSON.parse(
      (await runCli(['diff', '--results', '-f', 'json', runFolder([1], 1), runFolder([1], 2)])).stdout,
    );
    expect(json.metrics[0]).to.deep.include({ a: 1, b: 2, diff: 1 });
  });

  it('on real runs of a tiny study (gtv run): same study equal, more draws different', async function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'gtv-real-'));
    const study = (draws: number) =>
      `study tiny {\n  data d = points([-1], [1])\n  forward vp = vp()\n  sample a = pf_ode(true, draws = ${draws}, bins = 20, range = -2 .. 2, steps = 8)\n  metric m = nearest_distance(a)\n  plot density(a) to "a.svg"\n}\n`;
    const run = async (name: string, draws: number) => {
      writeFileSync(join(dir, `${name}.gtv`), study(draws));
      const r = await runCli([
        'run',
        '-q',
        '--backend',
        'cpu',
        '--fresh',
        '-o',
        join(dir, name),
        '--cache',
        join(dir, `cache-${name}`),
        join(dir, `${name}.gtv`),
      ]);
      expect(r.code, r.stderr).to.equal(0);
      return join(dir, name);
    };
    const [a, b, c] = [await run('a', 2000), await run('b', 2000), await run('c', 3000)];
    const same = await runCli(['diff', '--results', a, b]);
    expect([same.code, same.stdout.trimEnd().split('\n').pop()]).to.deep.equal([0, 'results are equal']);
    const other = await runCli(['diff', '--results', a, c]);
    expect(other.code).to.equal(1);
    expect(other.stdout).to.match(/a\.n\s+2000\s+3000\s+\+1000/);
    expect(other.stdout).to.match(/a density: total variation 0\.\d+/);
  });

  it('a folder without a manifest is a usage error', async () => {
    expect((await runCli(['diff', '--results', tmpdir(), tmpdir()])).code).to.equal(2);
  });

  it('total variation: 0 for proportional histograms, 1 for disjoint ones', () => {
    // exact in float64 for these small integers: tolerance 0
    expect(totalVariation([1, 2, 3], [2, 4, 6])).to.equal(0);
    expect(totalVariation([1, 0], [0, 5])).to.equal(1);
  });
});

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNpy } from '../../study/npy.js';
import type { Manifest } from '../../study/manifest.js';
import { runCli } from '../cli/capture.js';

// `gtv run` end to end on a tiny real study: the real compiler and runtime, in-process.
const STUDY = `# Two cells of exact PF-ODE sampling on three points.
study tiny {
  seed = 1
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  sweep eps = [1e-2, 1e-1]
  sample exact = pf_ode(true, draws = 2000, bins = 50, range = -1.5 .. 1.5, t_min = eps)
  metric gap = gap_mass(exact, radius = 0.2)
  plot density(exact, points = train) by (eps) to "tiny.svg"
}
`;

describe('gtv run (end to end, real compiler and runtime)', function () {
  this.timeout(120000);
  let tmp: string;
  let file: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-e2e-'));
    file = path.join(tmp, 'tiny.gtv');
    fs.writeFileSync(file, STUDY);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const manifest = (dir: string): Manifest =>
    JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

  it('writes arrays, metrics, plots and the report, then reuses the cache', async () => {
    const cache = path.join(tmp, 'cache');
    const out1 = path.join(tmp, 'run1');
    const r1 = await runCli(['run', file, '--out', out1, '--cache', cache, '--quiet', '--backend', 'cpu']);
    expect(r1.code, r1.stderr).to.equal(0);
    expect(r1.stdout.trim()).to.equal(out1);
    expect(r1.stderr).to.equal(''); // --quiet
    const m1 = manifest(out1);
    expect(m1.status).to.equal('complete');
    expect(m1.backend).to.equal('cpu');
    expect(m1.cells.map((c) => [c.id, c.from])).to.deep.equal([
      ['eps=0.01', 'computed'],
      ['eps=0.1', 'computed'],
    ]);
    const density = decodeNpy(fs.readFileSync(path.join(out1, 'cells', 'eps=0.01', 'exact.density.npy')));
    expect(density.shape).to.deep.equal([50]);
    // A histogram density integrates to the fraction of samples inside the range: at most 1.
    const mass = Array.from(density.data).reduce((a, b) => a + b, 0) * (3 / 50);
    expect(mass).to.be.within(0.9, 1 + 1e-9);
    const gap = JSON.parse(fs.readFileSync(path.join(out1, 'cells', 'eps=0.1', 'metrics.json'), 'utf8')).gap;
    const { se_over: seOver, ...numbers } = gap;
    expect(seOver).to.equal('draws'); // a single model: the binomial error over its draws
    expect(Object.values(numbers).every((v) => typeof v === 'number' && Number.isFinite(v))).to.equal(true);
    for (const f of ['tiny.svg', 'tiny.png', 'report.html', 'metrics.csv'])
      expect(fs.existsSync(path.join(out1, f)), f).to.equal(true);

    const out2 = path.join(tmp, 'run2');
    const r2 = await runCli(['run', file, '--out', out2, '--cache', cache, '--quiet', '--backend', 'cpu']);
    expect(r2.code, r2.stderr).to.equal(0);
    expect(manifest(out2).cells.map((c) => c.from)).to.deep.equal(['cache', 'cache']);
    expect(fs.readFileSync(path.join(out2, 'cells', 'eps=0.1', 'exact.density.npy'))).to.deep.equal(
      fs.readFileSync(path.join(out1, 'cells', 'eps=0.1', 'exact.density.npy')),
    );
  });

  it('records --scale and runs the reduced counts', async () => {
    const out = path.join(tmp, 'scaled');
    const r = await runCli([
      'run',
      file,
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache'),
      '--quiet',
      '--scale',
      '0.5',
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const m = manifest(out);
    expect(m.scale).to.equal(0.5);
    expect(m.cells.map((c) => c.from)).to.deep.equal(['computed', 'computed']);
    const samples = decodeNpy(fs.readFileSync(path.join(out, 'cells', 'eps=0.01', 'exact.samples.npy')));
    expect(samples.shape).to.deep.equal([1000, 1]);
  });

  it('exits 1 on errors in the study and 2 on bad options', async () => {
    const bad = path.join(tmp, 'bad.gtv');
    fs.writeFileSync(bad, STUDY.replace('pf_ode(true', 'pf_odee(true'));
    const r = await runCli(['run', bad, '--out', path.join(tmp, 'bad'), '--quiet']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('pf_odee');
    expect(fs.existsSync(path.join(tmp, 'bad'))).to.equal(false);
    expect((await runCli(['run', file, '--scale', '-1'])).code).to.equal(2);
    expect(
      (await runCli(['run', file, '--backend', 'quantum', '--quiet', '--out', path.join(tmp, 'q')])).code,
    ).to.equal(2);
  });
});

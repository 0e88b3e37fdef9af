import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli/capture.js';

// The Python reader (python/gtv_results.py) against a real run folder: `gtv run` of a two-axis
// study with an ensemble, PF-ODE draws, two metrics and a map (a few seconds), then the stdlib
// unittest python/test_gtv_results.py, which compares what the reader returns with the folder's
// own files. Without a Python that imports numpy the test skips; under GTV_REQUIRE_PYTHON=1 (set
// by .ci/run, which installs Debian's python3-numpy, python3-pandas and python3-xarray) it fails,
// and the unittest then requires pandas and xarray too.

const STUDY = `study tiny {
  seed = 7
  t_min = 0.01
  steps = 10

  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)

  sweep ridge = [0.1, 1]
  sweep P = [16, 64]

  features phi = gauss(x, n = 4, over = -1.5 .. 1.5) * gauss(t, n = 4, over = 0.01 .. 1)
  model lin = linear(phi, samples = P, ridge = ridge)

  sample exact = pf_ode(true, draws = 300, bins = 20, range = -1.5 .. 1.5)
  sample trained = ensemble(lin, members = 4, draws = 50, bins = 20, range = -1.5 .. 1.5)
  metric gap = gap_mass(trained, radius = 0.2)
  metric near = nearest_distance(exact)
  map w = posterior_weights(train, vp, grid = interval(-1, 1, 5), t = [0.1, 0.5])
}
`;

const PYTHON_DIR = path.resolve('python');
const REQUIRE = process.env.GTV_REQUIRE_PYTHON === '1';

interface Python {
  exe: string;
  modules: string[];
}

/** The candidate that imports numpy and the most of pandas and xarray, or why none does. */
function findPython(): Python | string {
  const candidates = [
    ...new Set([process.env.GTV_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c)),
  ];
  const probe = 'import importlib.util as u, numpy; print(" ".join(m for m in ("pandas", "xarray") if u.find_spec(m)))';
  let best: Python | null = null;
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', probe], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const modules = r.stdout.trim().split(/\s+/).filter(Boolean);
    if (!best || modules.length > best.modules.length) best = { exe, modules };
  }
  return best ?? `no Python with numpy among ${candidates.join(', ')} (Debian: apt-get install python3-numpy)`;
}

describe('python reader (python/gtv_results.py)', function () {
  this.timeout(180000);
  let tmp: string;
  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-python-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads arrays, dims, sweep values and metrics of a real run as the files hold them', async function () {
    const python = findPython();
    if (typeof python === 'string') {
      if (REQUIRE) throw new Error(`GTV_REQUIRE_PYTHON=1, but ${python}`);
      this.skip();
    }
    const file = path.join(tmp, 'tiny.gtv');
    fs.writeFileSync(file, STUDY);
    const out = path.join(tmp, 'run');
    const r = await runCli([
      'run',
      file,
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache'),
      '--quiet',
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const py = spawnSync(python.exe, ['-m', 'unittest', '-v', 'test_gtv_results'], {
      cwd: PYTHON_DIR,
      encoding: 'utf8',
      env: { ...process.env, GTV_TEST_RUN: out, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(py.status, `${python.exe}: ${py.stderr}`).to.equal(0);
    // Every test ran: the run folder was found (no skip of the whole class), and the pandas and
    // xarray tests ran wherever those are installed.
    const skipped = [...py.stderr.matchAll(/\.\.\. skipped '([^']*)'/g)].map((m) => m[1]);
    const expectedSkips = ['pandas', 'xarray']
      .filter((m) => !python.modules.includes(m))
      .map((m) => `${m} is not installed`);
    expect(skipped.sort()).to.deep.equal(expectedSkips.sort());
    expect(py.stderr).to.match(/Ran 9 tests/);
  });

  it("README's snippet loads the Figure 2 run into xarray", async function () {
    const python = findPython();
    const missing =
      typeof python === 'string'
        ? python
        : python.modules.includes('xarray')
          ? null
          : `${python.exe} has no xarray (Debian: python3-xarray)`;
    if (missing !== null || typeof python === 'string') {
      if (REQUIRE) throw new Error(`GTV_REQUIRE_PYTHON=1, but ${missing}`);
      this.skip();
    }
    // --scale 0.001: 10 members of 100 draws per cell, a few seconds for the 15 cells.
    const out = path.join(tmp, 'fig2');
    const r = await runCli([
      'run',
      'examples/fig2-gap-filling.gtv',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache'),
      '--scale',
      '0.001',
      '--quiet',
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const readme = fs.readFileSync('README.md', 'utf8');
    const snippet = /## Reading results from Python[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'README has no python snippet under "Reading results from Python"').to.be.a('string');
    expect(snippet).to.contain('"gtv-out/gap_filling/<time>"');
    // The snippet as written, on this run, then checks of what it built.
    const script = `${snippet!.replace('"gtv-out/gap_filling/<time>"', JSON.stringify(out))}
import numpy as np
assert ds["trained.density"].dims == ("eps", "P", "bin_x"), ds["trained.density"].dims
assert ds["trained.density"].shape == (3, 5, 200)
assert list(ds["P"].values) == [1024, 512, 256, 128, 64] and list(ds["eps"].values) == [1e-2, 1e-3, 1e-4]
panel = ds["trained.density"].sel(eps=1e-3, P=256).values
assert np.array_equal(panel, np.load(${JSON.stringify(path.join(out, 'cells', 'eps=0.001,P=256', 'trained.density.npy'))})), "panel"
assert edges.shape == (201,) and float(edges[0]) == -1.5 and float(edges[-1]) == 1.5
assert ds["theory.member_density"].dims == ("eps", "P", "member", "bin_x")
print("ok")
`;
    const py = spawnSync(python.exe, ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(py.status, `${python.exe}: ${py.stderr}`).to.equal(0);
    expect(py.stdout.trim().split('\n').pop()).to.equal('ok');
  });
});

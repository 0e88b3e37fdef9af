import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_MARK } from '../../study/atomic.js';
import type { Manifest } from '../../study/manifest.js';
import { runCli } from '../cli/capture.js';
import { GTV_BIN } from '../setup/built.js';

// Ctrl-C on a real `gtv run` process: the run stops, exits 130, leaves a manifest listing the
// finished cells and no temporaries; running again takes those cells from the cache.
const STUDY = `study slow {
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  sweep eps = [1e-2, 2e-2, 3e-2, 4e-2]
  sample exact = pf_ode(true, draws = 40000, bins = 50, range = -1.5 .. 1.5, t_min = eps)
}
`;

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [e.name]));
}

describe('gtv run interrupted by SIGINT (real process)', function () {
  this.timeout(120000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-sigint-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('stops, records finished cells, and resumes from the cache', async () => {
    const file = path.join(tmp, 'slow.gtv');
    fs.writeFileSync(file, STUDY);
    const out = path.join(tmp, 'run');
    const cache = path.join(tmp, 'cache');
    const child = spawn(process.execPath, [GTV_BIN, 'run', file, '--out', out, '--cache', cache, '--backend', 'cpu'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      // Interrupt once the first cell is done (its line is printed after the manifest update).
      if (!sent && /\[1\/4\] eps=0\.01: done/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(sent, stderr).to.equal(true);
    expect(code, stderr).to.equal(130);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.status).to.equal('interrupted');
    const done = m.cells.filter((c) => c.status === 'done').map((c) => c.id);
    expect(done.length).to.be.within(1, 3);
    expect(m.cells.slice(0, done.length).map((c) => c.id)).to.deep.equal(done);
    expect(fs.readdirSync(path.join(out, 'cells')).sort()).to.deep.equal([...done].sort());
    expect(walk(tmp).filter((f) => f.includes(TEMP_MARK))).to.deep.equal([]);
    expect(fs.existsSync(path.join(out, 'report.html'))).to.equal(false);

    const again = await runCli([
      'run',
      file,
      '--out',
      path.join(tmp, 'again'),
      '--cache',
      cache,
      '--quiet',
      '--backend',
      'cpu',
    ]);
    expect(again.code, again.stderr).to.equal(0);
    const m2 = JSON.parse(fs.readFileSync(path.join(tmp, 'again', 'manifest.json'), 'utf8')) as Manifest;
    expect(m2.cells.filter((c) => c.from === 'cache').map((c) => c.id)).to.deep.equal(done);
  });
});

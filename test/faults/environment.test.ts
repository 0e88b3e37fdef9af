import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { guarded } from '../../cli/main.js';
import { captureIo, runCli } from '../cli/capture.js';
import { fillDisk, mountTmpfs, readOnlyDir } from './helpers.js';

// Environment problems (issue 10, item 13) are reported as such, with the path and what the
// error code means, and exit 2 (README "Exit codes"); never as "internal error ... bug in gtv".
// These run the real `gtv run` on a one-cell study (well under a second of computing).

const STUDY = `study tiny {
  data train = points([-1], [0], [1])
  forward vp = vp()
  sample exact = pf_ode(true, draws = 200, bins = 20, range = -1.5 .. 1.5)
  plot density(exact, points = train) to "tiny.svg"
}
`;

function expectEnvironmentError(r: { code: number; stderr: string }, ...parts: string[]): void {
  expect(r.code, r.stderr).to.equal(2);
  for (const p of parts) expect(r.stderr).to.contain(p);
  expect(r.stderr).not.to.match(/internal error|bug in gtv/);
}

describe('faults: environment problems are not gtv bugs', function () {
  this.timeout(120000);
  let tmp: string;
  let file: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-env-'));
    file = path.join(tmp, 'tiny.gtv');
    fs.writeFileSync(file, STUDY);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--out naming an existing file', async () => {
    const out = path.join(tmp, 'taken');
    fs.writeFileSync(out, 'not a folder');
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
    expectEnvironmentError(r, `the run folder ${out} is a file; choose another --out`);
    expect(fs.readFileSync(out, 'utf8')).to.equal('not a folder');
  });

  it('--out under an existing file (ENOTDIR)', async () => {
    fs.writeFileSync(path.join(tmp, 'taken'), '');
    const out = path.join(tmp, 'taken', 'run');
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
    expectEnvironmentError(r, `cannot write ${out}: part of the path is a file, not a folder (ENOTDIR)`);
  });

  describe('read-only folders', () => {
    let ro: { dir: string; remove(): void };
    before(function () {
      const made = readOnlyDir();
      if ('reason' in made)
        this.skip(); // needs a read-only mount as root, or a non-root user
      else ro = made;
    });
    after(() => ro?.remove());

    it('a read-only output folder', async () => {
      const out = path.join(ro.dir, 'run');
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
      expectEnvironmentError(r, `cannot write ${out}`);
      expect(r.stderr).to.match(/(read-only file system \(EROFS\)|permission denied \(EACCES\))/);
    });

    it('a read-only cache: the run fails saying so, and does not claim the cell was cached', async () => {
      const out = path.join(tmp, 'run');
      const r = await runCli([
        'run',
        file,
        '--out',
        out,
        '--cache',
        path.join(ro.dir, 'cache'),
        '--quiet',
        '--backend',
        'cpu',
      ]);
      expectEnvironmentError(
        r,
        'cannot store the cell in the cache: cannot write ',
        'choose another cache with --cache DIR',
      );
      expect(r.stderr).not.to.match(/cached/i);
      const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
        status: string;
        cells: { status: string }[];
      };
      expect([m.status, m.cells[0].status]).to.deep.equal(['failed', 'failed']);
    });
  });

  it('a full disk under gtv run', async function () {
    const m = mountTmpfs('1m');
    if ('reason' in m)
      this.skip(); // test/faults/disk.test.ts injects ENOSPC where mounting is not allowed
    else {
      try {
        fillDisk(m.dir, 8 * 1024);
        const r = await runCli([
          'run',
          file,
          '--out',
          path.join(m.dir, 'run'),
          '--cache',
          path.join(m.dir, 'cache'),
          '--quiet',
          '--backend',
          'cpu',
        ]);
        expectEnvironmentError(r, 'no space left on device (ENOSPC)');
      } finally {
        m.unmount();
      }
    }
  });

  it('any command: a file-system error that escapes is reported with its path and meaning', async () => {
    const io = captureIo();
    const err = Object.assign(new Error("EACCES: permission denied, open '/data/x.json.gtv-tmp-12-ab'"), {
      code: 'EACCES',
      syscall: 'open',
      path: '/data/x.json.gtv-tmp-12-ab',
    });
    const code = await guarded(io, () => Promise.reject(err));
    expect(code).to.equal(2);
    expect(io.err.join('')).to.equal('gtv: cannot open /data/x.json: permission denied (EACCES)\n');
  });
});

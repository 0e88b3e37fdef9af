import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Plan } from '../../study/plan.js';
import { runCli } from './capture.js';
import { STUDY, expectSameCells, gtvProcess, manifest } from './sliced-fixture.js';

// `gtv run --jobs`, `--emit slurm` + `gtv collect`, end to end with the real compiler and
// runtime. The parent gtv is a real process (bin/gtv.js) because it spawns children
// the way it was itself started; Slurm is a shim that runs the array's tasks one after another
// (test/cli/slurm.test.ts submits the same array to a real Slurm).

/** A stand-in for `sbatch`: runs each task of the script's --array with SLURM_ARRAY_TASK_ID set,
 * its output to the script's --output pattern, and exits with the highest task exit code. */
const SBATCH_SHIM = `#!/bin/bash
set -u
script="$1"
range=$(sed -n 's/^#SBATCH --array=//p' "$script")
pattern=$(sed -n 's/^#SBATCH --output=//p' "$script")
worst=0
for i in $(seq "\${range%-*}" "\${range#*-}"); do
  SLURM_ARRAY_TASK_ID=$i bash "$script" > "\${pattern//%a/$i}" 2>&1 || { rc=$?; [ $rc -gt $worst ] && worst=$rc; }
done
exit $worst
`;

describe('gtv run --jobs / --emit slurm and gtv collect (end to end)', function () {
  this.timeout(120000);
  let tmp: string;
  let file: string;
  let seq: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-sliced-'));
    file = path.join(tmp, 'tiny.gtv');
    fs.writeFileSync(file, STUDY);
    seq = path.join(tmp, 'seq');
    const r = await runCli([
      'run',
      file,
      '--out',
      seq,
      '--cache',
      path.join(tmp, 'cache-seq'),
      '--quiet',
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--jobs 2 runs two slice processes and writes the same cells plus the report', () => {
    const out = path.join(tmp, 'jobs');
    const r = gtvProcess([
      'run',
      file,
      '--jobs',
      '2',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-jobs'),
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(out);
    expect(r.stderr).to.match(/slice 1\/2: done \(2 computed, 0 from cache\)/);
    expect(r.stderr).to.match(/slice 2\/2: done \(1 computed, 0 from cache\)/);
    expectSameCells(out, seq);
    for (const f of [
      'report.html',
      'tiny.svg',
      'metrics.csv',
      'plan.json',
      'slices/1/log.txt',
      'slices/2/manifest.json',
    ])
      expect(fs.existsSync(path.join(out, f)), f).to.equal(true);
    const m = manifest(out);
    expect([m.status, m.slice, m.backend]).to.deep.equal(['complete', null, 'cpu']);
    expect(m.cells.map((c) => c.from)).to.deep.equal(['cache', 'cache', 'cache']);
    expect(manifest(path.join(out, 'slices', '2')).slice).to.deep.equal({ index: 2, count: 2 });
    // Each manifest records the command of the process that wrote it, paths as given.
    expect(m.environment.command).to.deep.equal([
      'gtv',
      'run',
      file,
      '--jobs',
      '2',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-jobs'),
      '--backend',
      'cpu',
    ]);
    expect(manifest(path.join(out, 'slices', '2')).environment.command.join(' ')).to.contain(' --cells 2/2 ');
    // --jobs 2 shares the ensemble threads between the two slices.
    const threads = Number(process.env.GTV_THREADS) || os.availableParallelism();
    expect(manifest(path.join(out, 'slices', '2')).environment.threads).to.equal(Math.max(1, Math.floor(threads / 2)));
    expect(fs.readFileSync(path.join(out, 'slices', '1', 'log.txt'), 'utf8')).to.contain(
      'slice 1/2 done, 2 cell(s) computed',
    );
  });

  it('--emit slurm writes plan and job array; collect fails until the tasks ran, then assembles the report', async () => {
    const out = path.join(tmp, 'slurm');
    const r = gtvProcess([
      'run',
      file,
      '--emit',
      'slurm',
      '--tasks',
      '2',
      '--slurm-mem',
      '1G',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-slurm'),
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const script = path.join(out, 'slurm.sh');
    expect(r.stdout).to.contain(`sbatch ${script}`);
    expect(r.stdout).to.contain(`gtv collect ${out}`);
    expect(fs.existsSync(path.join(out, 'cells'))).to.equal(false); // nothing ran
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'plan.json'), 'utf8')) as Plan;
    expect([plan.slices, plan.cells, plan.backend, plan.study_file]).to.deep.equal([2, 3, 'cpu', file]);
    expect(fs.readFileSync(script, 'utf8'))
      .to.match(/^#SBATCH --array=1-2$/m)
      .and.match(/^#SBATCH --mem=1G$/m);

    const early = await runCli(['collect', out, '--quiet']);
    expect(early.code).to.equal(2);
    expect(early.stderr).to.contain('3 of 3 cell(s) are not in the cache');
    expect(early.stderr).to.contain('eps=0.03 (--cells 2/2)');
    expect(early.stderr).to.contain('eps=0.1 (--cells 1/2)');

    const shim = path.join(tmp, 'sbatch');
    fs.writeFileSync(shim, SBATCH_SHIM, { mode: 0o755 });
    const sb = spawnSync(shim, [script], { encoding: 'utf8' });
    expect(sb.status, `${sb.stderr}\n${fs.readFileSync(path.join(out, 'slices', '1', 'log.txt'), 'utf8')}`).to.equal(0);
    expect(manifest(path.join(out, 'slices', '1')).cells.map((c) => c.status)).to.deep.equal([
      'done',
      'other_slice',
      'done',
    ]);

    const c = await runCli(['collect', out, '--quiet']);
    expect(c.code, c.stderr).to.equal(0);
    expect(c.stdout.trim()).to.equal(out);
    expectSameCells(out, seq);
    expect(fs.existsSync(path.join(out, 'report.html'))).to.equal(true);
    expect(manifest(out).status).to.equal('complete');
  });

  it('--emit commands prints one runnable line per slice; running them and collecting gives the local run', async () => {
    const out = path.join(tmp, 'commands');
    const r = gtvProcess([
      'run',
      file,
      '--emit',
      'commands',
      '--tasks',
      '2',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-commands'),
      '--backend',
      'cpu',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).to.have.length(2);
    lines.forEach((l, i) => expect(l).to.contain(` run ${file} --study tiny --cells ${i + 1}/2 `));
    expect(r.stderr).to.contain(`gtv collect ${out}`);
    expect(fs.existsSync(path.join(out, 'cells'))).to.equal(false); // nothing ran
    // What a scheduler would do: run each line in a shell of its own, from anywhere.
    for (const l of lines) {
      const sh = spawnSync('bash', ['-c', l], { encoding: 'utf8', cwd: os.tmpdir() });
      expect(sh.status, sh.stderr).to.equal(0);
    }
    const c = await runCli(['collect', out, '--quiet']);
    expect(c.code, c.stderr).to.equal(0);
    expectSameCells(out, seq);
  });

  it('--emit slurm passes partition, account, qos, extra lines and the task limit, and chains collect', async () => {
    const out = path.join(tmp, 'slurm-opts');
    const r = await runCli([
      'run',
      file,
      '--emit',
      'slurm',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-opts'),
      '--backend',
      'cpu',
      '--slurm-partition',
      'short',
      '--slurm-account',
      'lab1',
      '--slurm-qos',
      'low',
      '--slurm-extra',
      '--gres=gpu:1',
      '--slurm-extra',
      '#SBATCH --exclusive',
      '--slurm-max-concurrent',
      '2',
      '--slurm-chain-collect',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const script = fs.readFileSync(path.join(out, 'slurm.sh'), 'utf8');
    for (const line of [
      '--array=1-3%2',
      '--partition=short',
      '--account=lab1',
      '--qos=low',
      '--gres=gpu:1',
      '--exclusive',
    ])
      expect(script).to.match(new RegExp(`^#SBATCH ${line}$`, 'm'));
    expect(fs.readFileSync(path.join(out, 'collect.sh'), 'utf8'))
      .to.match(/^#SBATCH --partition=short$/m)
      .and.contain(`collect ${out}`);
    const submit = path.join(out, 'submit.sh');
    expect(fs.readFileSync(submit, 'utf8')).to.contain('--dependency="afterok:${array}"');
    expect(fs.statSync(submit).mode & 0o111).to.not.equal(0);
    expect(r.stdout).to.contain(`submit: ${submit}`);
  });

  it('names the flag in usage errors for bad --cells, --jobs, --emit and their combinations', async () => {
    const cases: [string[], string][] = [
      [['--cells', '0/3'], '`--cells 0/3`: need 1 <= i <= n'],
      [['--cells', '4/3'], '`--cells 4/3`: need 1 <= i <= n'],
      [['--cells', 'x/y'], '`--cells` must be i/n'],
      [['--jobs', '0'], '`--jobs` must be a whole number >= 1'],
      [['--jobs', 'two'], '`--jobs` must be a whole number >= 1'],
      [['--emit', 'pbs'], '`--emit` must be one of slurm, commands'],
      [['--emit', 'slurm', '--tasks', '0'], '`--tasks` must be a whole number >= 1'],
      [['--tasks', '3'], '`--tasks` needs `--emit slurm`'],
      [['--slurm-partition', 'p'], '`--slurm-partition` needs `--emit slurm`'],
      [['--emit', 'commands', '--slurm-qos', 'q'], '`--slurm-qos` needs `--emit slurm`'],
      [['--emit', 'slurm', '--slurm-extra', 'rm -rf /'], '`--slurm-extra` must be an sbatch option'],
      [['--emit', 'slurm', '--cache', '--fresh'], 'option `--cache` needs a value'],
      [['--emit', 'slurm', '--slurm-max-concurrent', '0'], '`--slurm-max-concurrent` must be a whole number >= 1'],
      [['--jobs', '2', '--cells', '1/2'], '--cells and --jobs cannot be combined'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['run', file, ...args]);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr.startsWith(`gtv: ${message}`), r.stderr).to.equal(true);
      expect(r.stderr, args.join(' ')).to.contain('(see `gtv run --help`)');
    }
    const noPlan = await runCli(['collect', tmp]);
    expect(noPlan.code).to.equal(2);
    expect(noPlan.stderr).to.contain('has no plan.json');
    const help = await runCli(['--help']);
    expect(help.stdout).to.match(/^ {2}collect \[options\] RUN_DIR/m);
  });
});

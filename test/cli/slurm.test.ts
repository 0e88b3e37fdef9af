import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from './capture.js';
import { STUDY, expectSameCells, gtvProcess, manifest } from './sliced-fixture.js';

// `gtv run --emit slurm` on a real Slurm cluster: the emitted job array is submitted with sbatch,
// waited for with a bounded poll of squeue, collected with `gtv collect`, and the run folder
// compared byte for byte with a local run's. .ci/slurm-setup.sh brings up the single-node
// cluster this runs on (slurmd as root, so the tasks run the script's absolute node and gtv
// paths as root). Where no controller answers the test is skipped with the reason in its title;
// under GTV_REQUIRE_SLURM=1 (set by .ci/run) that is a failure instead, so CI cannot skip it.

/** Longest wait for the array to leave the queue. At a load average of 20 on 2 cores the two
 * tasks took ~35 s, almost all of it starting node, tsx and the runtime (<1 s of compute). */
const QUEUE_TIMEOUT_MS = 90_000;

function slurm(tool: string, args: string[]): { ok: boolean; out: string; why: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 20_000 });
  // The last line of stderr: Slurm's tools print the fatal error last.
  const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  return { ok: !r.error && r.status === 0, out: r.stdout ?? '', why };
}

/** Why jobs cannot be run here, or null when the Slurm tools exist, a controller answers and
 * one of its nodes takes jobs. */
function slurmUnavailable(): string | null {
  for (const tool of ['sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel']) {
    const r = slurm(tool, ['--version']);
    if (!r.ok)
      return `\`${tool} --version\` failed (${r.why}): Slurm is not installed or not configured; .ci/slurm-setup.sh sets up a single-node one`;
  }
  const info = slurm('sinfo', ['-h', '-o', '%t']);
  if (!info.ok) return `no Slurm controller answers (sinfo: ${info.why}); .ci/slurm-setup.sh starts one`;
  const states = info.out
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!states.some((s) => /^(idle|mix|alloc)$/.test(s)))
    return `no Slurm node takes jobs (sinfo node states: ${states.join(', ') || 'none'})`;
  return null;
}

/** `scontrol show job` of every task of array job `id`: task index -> [state, exit code]. */
function arrayTasks(id: string): Map<number, [string, string]> {
  const r = slurm('scontrol', ['-o', 'show', 'job', id]);
  expect(r.ok, `scontrol show job ${id}: ${r.why}`).to.equal(true);
  const tasks = new Map<number, [string, string]>();
  for (const line of r.out.split('\n').filter(Boolean)) {
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S+)`).exec(line)?.[1] ?? '?';
    tasks.set(Number(field('ArrayTaskId')), [field('JobState'), field('ExitCode')]);
  }
  return tasks;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

/** The collected run holds every file of the local run, and they are byte-identical except where
 * a run records its own clock: manifest.json, report.html and the timings in each cell's
 * result.json (and so its line in the cell's SHA256SUMS). Its only other files are the plan, the script and the slices' folders. */
function expectSameRun(runDir: string, localDir: string): void {
  const local = filesUnder(localDir);
  const extra = filesUnder(runDir).filter((f) => !local.includes(f));
  expect(
    extra.filter((f) => !['plan.json', 'slurm.sh'].includes(f) && !f.startsWith(`slices${path.sep}`)),
    'unexpected files',
  ).to.deep.equal([]);
  for (const f of local.filter((f) => f !== 'manifest.json' && f !== 'report.html')) {
    const [a, b] = [fs.readFileSync(path.join(runDir, f)), fs.readFileSync(path.join(localDir, f))];
    if (path.basename(f) === 'result.json') {
      const untimed = (buf: Buffer) => ({ ...(JSON.parse(buf.toString('utf8')) as object), timings: null });
      expect(untimed(a), f).to.deep.equal(untimed(b));
    } else if (path.basename(f) === 'SHA256SUMS') {
      // It hashes result.json too, whose timings differ; every other file's sum must match.
      const untimed = (buf: Buffer) =>
        buf
          .toString('utf8')
          .split('\n')
          .filter((l) => !l.endsWith(' result.json'));
      expect(untimed(a), f).to.deep.equal(untimed(b));
    } else expect(a.equals(b), `${f} differs from the local run's`).to.equal(true);
  }
}

describe('gtv run --emit slurm on a real Slurm cluster', function () {
  this.timeout(QUEUE_TIMEOUT_MS + 60_000);
  let tmp: string | undefined;
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sbatch runs the emitted array, and gtv collect assembles the same run folder as a local run', async function () {
    const unavailable = slurmUnavailable();
    if (unavailable !== null) {
      if (process.env.GTV_REQUIRE_SLURM === '1') throw new Error(`GTV_REQUIRE_SLURM=1, but ${unavailable}`);
      this.test!.title += ` (skipped: ${unavailable})`;
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-slurm-'));
    const file = path.join(tmp, 'tiny.gtv');
    fs.writeFileSync(file, STUDY);
    const seq = path.join(tmp, 'seq');
    const local = await runCli([
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
    expect(local.code, local.stderr).to.equal(0);

    const out = path.join(tmp, 'slurm');
    const emit = gtvProcess([
      'run',
      file,
      '--emit',
      'slurm',
      '--tasks',
      '2',
      '--slurm-time',
      '0:05:00',
      '--slurm-mem',
      '1G',
      '--out',
      out,
      '--cache',
      path.join(tmp, 'cache-slurm'),
      '--backend',
      'cpu',
    ]);
    expect(emit.code, emit.stderr).to.equal(0);
    const script = path.join(out, 'slurm.sh');
    expect(fs.readFileSync(script, 'utf8')).to.match(/^exec \/\S+ \/\S+\/bin\/gtv\.js run /m);

    const submit = slurm('sbatch', ['--parsable', script]);
    expect(submit.ok, `sbatch ${script}: ${submit.why}`).to.equal(true);
    const id = submit.out.trim().split(';')[0];
    expect(id, submit.out).to.match(/^\d+$/);

    const deadline = Date.now() + QUEUE_TIMEOUT_MS;
    let queued = '';
    for (;;) {
      const q = slurm('squeue', ['-h', '-j', id, '-o', '%i %T %R']);
      queued = q.ok ? q.out.trim() : '';
      if (queued === '' || Date.now() > deadline) break;
      await sleep(500);
    }
    if (queued !== '') {
      slurm('scancel', [id]);
      const logs = [1, 2]
        .map((k) => path.join(out, 'slices', String(k), 'log.txt'))
        .map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : `${f}: none`));
      expect.fail(
        `array job ${id} still queued after ${QUEUE_TIMEOUT_MS / 1000} s (cancelled):\n${queued}\n${logs.join('\n')}`,
      );
    }
    const logOf = (k: number) => fs.readFileSync(path.join(out, 'slices', String(k), 'log.txt'), 'utf8');
    const tasks = arrayTasks(id);
    expect(
      [...tasks.keys()].sort((a, b) => a - b),
      'array task ids',
    ).to.deep.equal([1, 2]);
    for (const [k, [state, exit]] of tasks)
      expect([state, exit], `task ${k}: ${logOf(k)}`).to.deep.equal(['COMPLETED', '0:0']);
    expect(logOf(1)).to.contain('slice 1/2 done, 2 cell(s) computed');
    expect(logOf(2)).to.contain('slice 2/2 done, 1 cell(s) computed');
    expect(manifest(path.join(out, 'slices', '2')).slice).to.deep.equal({ index: 2, count: 2 });

    const collect = await runCli(['collect', out, '--quiet']);
    expect(collect.code, collect.stderr).to.equal(0);
    expectSameCells(out, seq);
    expectSameRun(out, seq);
    expect(fs.existsSync(path.join(out, 'report.html'))).to.equal(true);
    expect(manifest(out).status).to.equal('complete');
  });
});

// `gtv completion bash|zsh|fish`: the scripts are generated from the command table, so each
// must list every command and the options each command's --help lists; bash's is also run.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../cli/commands/index.js';
import { commandSpec, parseOptionLine } from '../../cli/completion.js';
import { runCli } from './capture.js';

const hasShell = (sh: string) => spawnSync(sh, ['-c', 'exit 0']).status === 0;

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code, r.stderr).to.equal(0);
  return r.stdout;
}

/** Runs bash completion for the words of a command line (the last word is being completed). */
function bashComplete(text: string, words: string[], cwd: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gtv-comp-'));
  writeFileSync(join(dir, 'gtv.bash'), text);
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source '${join(dir, 'gtv.bash')}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _gtv; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd, encoding: 'utf8' },
  );
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

describe('gtv completion', () => {
  it('reads the options of every command from its --help lines', () => {
    expect(parseOptionLine('-o, --out DIR         run folder (default gtv-out/)')).to.deep.equal({
      long: 'out',
      short: 'o',
      value: 'DIR',
      description: 'run folder (default gtv-out/)',
    });
    expect(parseOptionLine('    --max-file-size S the largest file')).to.deep.equal({
      long: 'max-file-size',
      value: 'S',
      description: 'the largest file',
    });
    expect(parseOptionLine('    --fresh           recompute every cell')).to.deep.equal({
      long: 'fresh',
      description: 'recompute every cell',
    });
    expect(parseOptionLine('                      at least 10 members')).to.equal(undefined);
    const run = commandSpec(COMMANDS.find((c) => c.name === 'run')!);
    const longs = run.options.map((o) => o.long);
    for (const o of [
      'out',
      'fresh',
      'jobs',
      'cells',
      'emit',
      'slurm-partition',
      'slurm-extra',
      'allow-read',
      'max-file-size',
      'help',
    ])
      expect(longs).to.include(o);
    // Every `--name` any help text mentions at the start of a line is an option the script offers.
    for (const c of COMMANDS) {
      const mentioned = (c.options ?? []).map((l) => /^\s*(?:-\w, )?--([\w-]+)/.exec(l)?.[1]).filter(Boolean);
      expect(commandSpec(c).options.map((o) => o.long)).to.include.members(mentioned as string[]);
    }
  });

  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`${shell}: lists every command and the options of check, run and fmt`, async () => {
      const text = await script(shell);
      for (const c of COMMANDS) expect(text, c.name).to.match(new RegExp(`\\b${c.name}\\b`));
      for (const o of ['--format', '--fix', '--allow-read', '--slurm-account', '--slurm-max-concurrent', '--check']) {
        const long = o.slice(2);
        expect(text, o).to.satisfy((t: string) => t.includes(o) || t.includes(`-l ${long}`));
      }
      expect(text).to.include('human compact json');
    });
  }

  it('bash: the script parses and completes commands, options, choices and .gtv files', async function () {
    if (!hasShell('bash')) this.skip(); // bash is needed to run the script
    const text = await script('bash');
    const dir = mkdtempSync(join(tmpdir(), 'gtv-comp-cwd-'));
    expect(spawnSync('bash', ['-n'], { input: text }).status).to.equal(0);
    writeFileSync(join(dir, 'a.gtv'), '');
    writeFileSync(join(dir, 'notes.txt'), '');
    mkdirSync(join(dir, 'sub'));
    expect(bashComplete(text, ['gtv', 'c'], dir)).to.deep.equal(['check', 'collect', 'completion']);
    expect(bashComplete(text, ['gtv', 'run', '--slurm-p'], dir)).to.deep.equal(['--slurm-partition']);
    expect(bashComplete(text, ['gtv', 'check', '--format', ''], dir)).to.deep.equal(['compact', 'human', 'json']);
    expect(bashComplete(text, ['gtv', 'run', '--emit', ''], dir)).to.deep.equal(['commands', 'slurm']);
    expect(bashComplete(text, ['gtv', 'check', ''], dir)).to.deep.equal(['a.gtv', 'sub']);
    expect(bashComplete(text, ['gtv', 'collect', ''], dir)).to.deep.equal(['sub']);
    expect(bashComplete(text, ['gtv', 'completion', ''], dir)).to.deep.equal(['bash', 'fish', 'zsh']);
  });

  for (const shell of ['zsh', 'fish']) {
    it(`${shell}: the script parses`, async function () {
      if (!hasShell(shell)) {
        // Not installed here; the content test above still covers what the script lists.
        this.skip();
      }
      const text = await script(shell);
      const r = spawnSync(shell, ['-n'], { input: text, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    });
  }

  it('rejects an unknown or missing shell as a usage error', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('bash, zsh, fish');
    expect((await runCli(['completion'])).code).to.equal(2);
  });
});

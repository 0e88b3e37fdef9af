// `gtv completion bash|zsh|fish`: print the shell's completion script, generated from the
// command table (cli/completion.ts).
import { parseCommandArgs } from '../args.js';
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { EXIT_OK, UsageError } from '../exit.js';
import type { Command } from './command.js';

/** The command, given the command table it completes (a function: the table holds this command). */
export const completionCommand = (commands: () => readonly Command[]): Command => ({
  name: 'completion',
  synopsis: 'bash|zsh|fish',
  summary: 'Print the shell completion script for bash, zsh or fish (see the README for where to put it).',
  values: { '': SHELLS },
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, {}, io);
    if (!parsed) return EXIT_OK;
    const [shell, ...extra] = parsed.positionals;
    if (shell === undefined) throw new UsageError('name the shell: bash, zsh or fish', this.name);
    if (extra.length > 0) throw new UsageError('`gtv completion` takes one shell', this.name);
    if (!(SHELLS as readonly string[]).includes(shell))
      throw new UsageError(`no completion for \`${shell}\`; shells: ${SHELLS.join(', ')}`, this.name);
    io.stdout(completionScript(shell as Shell, commands()));
    return EXIT_OK;
  },
});

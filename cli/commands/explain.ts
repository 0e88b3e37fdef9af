// `gtv explain CODE`: the long description of a diagnostic code; without CODE, the list.
import { ALL_CODES, codeInfo } from '../../compiler/codes/index.js';
import { parseCommandArgs } from '../args.js';
import { EXIT_OK, UsageError } from '../exit.js';
import type { Command } from './command.js';

export const explainCommand: Command = {
  name: 'explain',
  synopsis: '[CODE|RULE]',
  summary: 'Describe a diagnostic code (GTV0204) or lint rule (unused-sweep); without one, list them all.',
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, {}, io);
    if (!parsed) return 0;
    const [raw, ...extra] = parsed.positionals;
    if (extra.length > 0) throw new UsageError('`gtv explain` takes one code', this.name);
    if (raw === undefined) {
      const rows = ALL_CODES.map((c) => `${c.code}  ${c.severity.padEnd(7)}  ${c.name.padEnd(28)}  ${c.title}`);
      io.stdout(rows.join('\n') + (rows.length ? '\n' : ''));
      return EXIT_OK;
    }
    // `0204` and `gtv0204` are accepted as well as `GTV0204`; so is the name a config file uses.
    const code = /^\d+$/.test(raw) ? `GTV${raw}` : raw;
    const info = codeInfo(code) ?? ALL_CODES.find((c) => c.name === raw.toLowerCase());
    if (!info) {
      throw new UsageError(`unknown diagnostic code \`${raw}\` (run \`gtv explain\` to list them)`);
    }
    io.stdout(`${info.code} ${info.name} (${info.severity}): ${info.title}\n\n${info.explain.trimEnd()}\n`);
    return EXIT_OK;
  },
};

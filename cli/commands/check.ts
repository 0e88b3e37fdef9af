// `gtv check FILE...`: parse and check every file, report every diagnostic, exit 1 on errors.
import { compileFile } from '../../compiler/driver.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { FORMAT_HELP, FORMAT_OPTION, formatOf, reportDiagnostics } from '../report.js';
import type { Command } from './command.js';

export const checkCommand: Command = {
  name: 'check',
  synopsis: '[options] FILE...',
  summary: 'Parse and check study files without running them.',
  options: [FORMAT_HELP],
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { format: FORMAT_OPTION }, io);
    if (!parsed) return 0;
    const format = formatOf(parsed.values.format);
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('missing FILE argument', this.name);
    for (const f of files) assertReadable(f, this.name);

    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const f of files) {
      const out = compileFile(f);
      diagnostics.push(...out.diagnostics);
      for (const [path, text] of out.files) sources.set(path, text);
    }
    const n = files.length;
    return reportDiagnostics(diagnostics, sources, format, io, 'stdout', `checked ${n} file${n === 1 ? '' : 's'}: no problems`);
  },
};

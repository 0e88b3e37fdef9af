// `gtv check FILE...`: parse, check and lint every file, report every diagnostic, exit 1 on errors.
// `--fix` first applies the linter's safe fixes and rewrites the file (compiler/lint/fix.ts).
import { checkFile } from '../../compiler/lint/check-file.js';
import { writeFileAtomic } from '../../study/atomic.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { applyReadOptions, READ_HELP, READ_OPTIONS } from '../read-options.js';
import { FORMAT_HELP, FORMAT_OPTION, FORMATS, formatOf, reportDiagnostics } from '../report.js';
import type { Command } from './command.js';

export const checkCommand: Command = {
  name: 'check',
  synopsis: '[options] FILE...',
  summary: 'Parse and check study files without running them.',
  options: [FORMAT_HELP, '--fix                 apply the safe lint fixes (remove unused names and sweep axes) in place', ...READ_HELP],
  values: { format: FORMATS },
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { format: FORMAT_OPTION, fix: { type: 'boolean' }, ...READ_OPTIONS }, io);
    if (!parsed) return 0;
    const format = formatOf(parsed.values.format);
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('missing FILE argument', this.name);
    const read = applyReadOptions(parsed.values, this.name);
    for (const f of files) assertReadable(f, this.name, read);

    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const f of files) {
      const out = checkFile(f, { fix: parsed.values.fix === true, read });
      if (out.fix && out.fix.applied.length > 0) writeFileAtomic(f, out.fix.text);
      for (const line of [...(out.fix?.applied ?? []), ...(out.fix?.skipped ?? [])]) io.stderr(`${f}: ${line}\n`);
      diagnostics.push(...out.diagnostics);
      for (const [path, text] of out.files) sources.set(path, text);
    }
    const n = files.length;
    return reportDiagnostics(diagnostics, sources, format, io, 'stdout', `checked ${n} file${n === 1 ? '' : 's'}: no problems`);
  },
};

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
import { checkStdinArgs, readStdinStudy, STDIN_ARG, STDIN_NAME } from '../stdin.js';

export const checkCommand: Command = {
  name: 'check',
  synopsis: '[options] FILE...',
  summary: 'Parse and check study files without running them (`-` reads one from standard input).',
  options: [
    FORMAT_HELP,
    '--fix                 apply the safe lint fixes (remove unused names and sweep axes) in place',
    ...READ_HELP,
  ],
  values: { format: FORMATS },
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { format: FORMAT_OPTION, fix: { type: 'boolean' }, ...READ_OPTIONS },
      io,
    );
    if (!parsed) return 0;
    const format = formatOf(parsed.values.format);
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('missing FILE argument', this.name);
    const read = applyReadOptions(parsed.values, this.name);
    checkStdinArgs(files, this.name, false);
    if (files.includes(STDIN_ARG) && parsed.values.fix === true)
      throw new UsageError('`--fix` rewrites files in place, so it cannot take `-` (standard input)', this.name);
    for (const f of files) if (f !== STDIN_ARG) assertReadable(f, this.name, read);

    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    for (const arg of files) {
      const stdin = arg === STDIN_ARG ? await readStdinStudy(io, this.name, read) : undefined;
      const f = stdin === undefined ? arg : STDIN_NAME;
      const out = checkFile(f, { fix: parsed.values.fix === true, read, text: stdin });
      if (out.fix && out.fix.applied.length > 0) writeFileAtomic(f, out.fix.text);
      for (const line of [...(out.fix?.applied ?? []), ...(out.fix?.skipped ?? [])]) io.stderr(`${f}: ${line}\n`);
      diagnostics.push(...out.diagnostics);
      for (const [path, text] of out.files) sources.set(path, text);
    }
    const n = files.length;
    return reportDiagnostics(
      diagnostics,
      sources,
      format,
      io,
      'stdout',
      `checked ${n} file${n === 1 ? '' : 's'}: no problems`,
    );
  },
};

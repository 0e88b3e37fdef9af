// `gtv fmt [--check] FILE...`: the Prettier plugin's layout, applied in place. With --check
// nothing is written; the files that are not formatted are listed and the exit code is 1.
// Syntax errors are reported like `gtv check` reports them (exit 1); a formatter bug (the
// output would not mean the same study) is an internal error (exit 2) and the file is untouched.
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { parseSource } from '../../compiler/parse.js';
import { formatGtv } from '../../editor/prettier/format.js';
import { writeFileAtomic } from '../../study/atomic.js';
import { FormatterInternalError } from '../../editor/prettier/same-meaning.js';
import { parseCommandArgs } from '../args.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { reportDiagnostics } from '../report.js';
import type { Command } from './command.js';
import { checkStdinArgs, readStdinStudy, STDIN_ARG, STDIN_NAME } from '../stdin.js';

export const fmtCommand: Command = {
  name: 'fmt',
  synopsis: '[--check] FILE...',
  summary: "Format study files in place (the Prettier plugin's layout); `-` formats standard input to standard output.",
  options: ['--check               write nothing; list the files that need formatting and exit 1'],
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, { check: { type: 'boolean' } }, io);
    if (!parsed) return EXIT_OK;
    const check = parsed.values.check === true;
    const files = parsed.positionals;
    if (files.length === 0) throw new UsageError('missing FILE argument', this.name);
    checkStdinArgs(files, this.name, true);
    for (const f of files) if (f !== STDIN_ARG) assertReadable(f, this.name);

    const syntaxErrors: Diagnostic[] = [];
    const sources = new Map<string, string>();
    const unformatted: string[] = [];
    let internal = false;
    for (const arg of files) {
      const stdin = arg === STDIN_ARG;
      const file = stdin ? STDIN_NAME : arg;
      const text = stdin ? await readStdinStudy(io, this.name) : readFileSync(file, 'utf8');
      const errors = parseSource(text, file).diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        syntaxErrors.push(...errors);
        sources.set(file, text);
        continue;
      }
      let formatted: string;
      try {
        formatted = await formatGtv(text, file);
      } catch (e) {
        if (!(e instanceof FormatterInternalError)) throw e;
        io.stderr(`gtv fmt: ${e.message}\n`);
        internal = true;
        continue;
      }
      // A filter: standard input comes back formatted on standard output, changed or not.
      if (stdin && !check) {
        io.stdout(formatted);
        continue;
      }
      if (formatted === text) continue;
      unformatted.push(file);
      if (check) {
        io.stdout(`${file}\n`);
      } else {
        // Atomic: a full disk or a crash leaves the old text, never a cut-off file.
        writeFileAtomic(file, formatted);
        io.stdout(`formatted ${file}\n`);
      }
    }

    const inputCode = reportDiagnostics(syntaxErrors, sources, 'human', io, 'stderr', null);
    if (check && unformatted.length > 0) {
      const n = unformatted.length;
      io.stderr(`${n} file${n === 1 ? '' : 's'} not formatted; run \`gtv fmt\` on ${n === 1 ? 'it' : 'them'}\n`);
    }
    if (internal) return EXIT_USAGE;
    if (inputCode !== EXIT_OK || (check && unformatted.length > 0)) return EXIT_INPUT;
    return EXIT_OK;
  },
};

// `gtv ir FILE`: print the IR of the file's study (several studies: a JSON array, or pick one
// with --study). Diagnostics go to stderr so stdout stays valid JSON.
import { compileFile, compileSource } from '../../compiler/driver.js';
import { nodeHostFor } from '../../compiler/host.js';
import { serializeIr } from '../../compiler/ir/serialize.js';
import { parseCommandArgs } from '../args.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { applyReadOptions, READ_HELP, READ_OPTIONS } from '../read-options.js';
import { FORMAT_HELP, FORMAT_OPTION, FORMATS, formatOf, reportDiagnostics } from '../report.js';
import type { Command } from './command.js';
import { readStdinStudy, STDIN_ARG, STDIN_NAME } from '../stdin.js';

export const irCommand: Command = {
  name: 'ir',
  synopsis: '[options] FILE',
  summary: "Print the IR (JSON) of a file's study (`-`: from standard input); diagnostics go to stderr.",
  options: [FORMAT_HELP, '-s, --study NAME      only this study (when the file holds several)', ...READ_HELP],
  values: { format: FORMATS },
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { format: FORMAT_OPTION, study: { type: 'string', short: 's' }, ...READ_OPTIONS },
      io,
    );
    if (!parsed) return 0;
    const format = formatOf(parsed.values.format);
    const [file, ...extra] = parsed.positionals;
    if (file === undefined) throw new UsageError('missing FILE argument', this.name);
    if (extra.length > 0) throw new UsageError('`gtv ir` takes one file', this.name);
    const read = applyReadOptions(parsed.values, this.name);
    let out;
    if (file === STDIN_ARG) {
      const text = await readStdinStudy(io, this.name, read);
      out = compileSource(text, STDIN_NAME, nodeHostFor(STDIN_NAME, read));
    } else {
      assertReadable(file, this.name, read);
      out = compileFile(file, nodeHostFor(file, read));
    }
    const code = reportDiagnostics(out.diagnostics, out.files, format, io, 'stderr', null);
    if (code !== EXIT_OK) return code;

    const wanted = parsed.values.study;
    let studies = out.studies;
    if (typeof wanted === 'string') {
      studies = studies.filter((s) => s.study === wanted);
      if (studies.length === 0) {
        const names = out.studies.map((s) => `\`${s.study}\``).join(', ') || 'none';
        throw new UsageError(`no study \`${wanted}\` in ${file} (studies: ${names})`, this.name);
      }
    }
    if (studies.length === 0) {
      io.stderr(`error: ${file} holds no study block (library files have no IR of their own)\n`);
      return EXIT_INPUT;
    }
    const texts = studies.map((s) => serializeIr(s).trimEnd());
    io.stdout((texts.length === 1 ? texts[0] : `[\n${texts.join(',\n')}\n]`) + '\n');
    return EXIT_OK;
  },
};

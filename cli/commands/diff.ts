// `gtv diff A.gtv B.gtv`: what changed between two studies, as changes of their IR (formatting
// and comments do not count). `--results RUN_A RUN_B` compares two run folders instead. Exit 0
// when equal, 1 when different (as diff(1) does), 2 on usage errors or when either study has
// errors (those are printed, to stderr).
import { compileFile } from '../../compiler/driver.js';
import { changeLine } from '../../compiler/diff/changes.js';
import { diffStudies } from '../../compiler/diff/ir-diff.js';
import { diffSettings } from '../../compiler/diff/settings.js';
import { nodeHostFor, normalizePath } from '../../compiler/host.js';
import { parseCommandArgs, choice } from '../args.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, UsageError } from '../exit.js';
import { assertReadable } from '../files.js';
import { applyReadOptions, READ_HELP, READ_OPTIONS } from '../read-options.js';
import { reportDiagnostics } from '../report.js';
import type { Command } from './command.js';
import { diffResults, renderResults } from './diff-results.js';

export const diffCommand: Command = {
  name: 'diff',
  synopsis: '[options] A.gtv B.gtv | --results RUN_A RUN_B',
  summary: 'Show what changed between two studies (or, with --results, between two runs).',
  options: [
    '--results             compare two run folders cell by cell',
    '-f, --format FORMAT   human (default) or json',
    ...READ_HELP,
  ],
  values: { format: ['human', 'json'] },
  async run(args, io) {
    const parsed = parseCommandArgs(
      this,
      args,
      { results: { type: 'boolean' }, format: { type: 'string', short: 'f' }, ...READ_OPTIONS },
      io,
    );
    if (!parsed) return EXIT_OK;
    const format = choice(parsed.values.format, ['human', 'json'] as const, 'format', 'human');
    const [a, b, ...extra] = parsed.positionals;
    if (b === undefined || extra.length > 0)
      throw new UsageError(`expected two ${parsed.values.results ? 'run folders' : 'files'}`, this.name);

    if (parsed.values.results) {
      const d = diffResults(a, b, this.name);
      io.stdout(format === 'json' ? JSON.stringify(d, null, 2) + '\n' : renderResults(d));
      return d.equal ? EXIT_OK : EXIT_INPUT;
    }

    const read = applyReadOptions(parsed.values, this.name);
    for (const f of [a, b]) assertReadable(f, this.name, read);
    const [oa, ob] = [compileFile(a, nodeHostFor(a, read)), compileFile(b, nodeHostFor(b, read))];
    const errors = [...oa.diagnostics, ...ob.diagnostics].filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      reportDiagnostics(errors, new Map([...oa.files, ...ob.files]), 'human', io, 'stderr', null);
      return EXIT_USAGE;
    }
    const single = oa.studies.length === 1 && ob.studies.length === 1;
    const changes = [
      ...diffSettings(oa.asts.get(normalizePath(a)), ob.asts.get(normalizePath(b)), single),
      ...diffStudies(oa.studies, ob.studies),
    ];
    if (format === 'json') io.stdout(JSON.stringify({ equal: changes.length === 0, changes }, null, 2) + '\n');
    else io.stdout(changes.length === 0 ? 'no differences\n' : changes.map((c) => changeLine(c) + '\n').join(''));
    return changes.length === 0 ? EXIT_OK : EXIT_INPUT;
  },
};

// `gtv init [FILE]`: write a starter study that passes `gtv check`, never over an existing file.
import { writeFileSync } from 'node:fs';
import { parseCommandArgs } from '../args.js';
import { EXIT_OK, UsageError } from '../exit.js';
import type { Command } from './command.js';

export const DEFAULT_INIT_FILE = 'study.gtv';

export const STARTER_STUDY = `# A starter study: can a linear diffusion model fill the gaps between three 1D points?
# Check it with \`gtv check\`; docs/language.md lists every built-in and its parameters.
study starter {
  seed = 1
  t_min = 0.01

  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)

  # Each sweep value is one cell of the study.
  sweep P = [64, 256]

  features phi = gauss(x, n = 16, over = -1.5 .. 1.5) * gauss(t, n = 16, over = 0.01 .. 1)
  model lin = linear(phi, samples = P, ridge = 0.1)

  sample exact = pf_ode(true, draws = 10000)
  sample trained = ensemble(lin, members = 40, draws = 2500)
  metric gap = gap_mass(trained, radius = 0.2)

  plot density(exact, trained) by (P) to "density.svg"
  plot table(gap) by (P) to "gap.csv"
}
`;

export const initCommand: Command = {
  name: 'init',
  synopsis: '[FILE]',
  summary: `Write a starter study to FILE (default ${DEFAULT_INIT_FILE}); never overwrites.`,
  async run(args, io) {
    const parsed = parseCommandArgs(this, args, {}, io);
    if (!parsed) return 0;
    const [file = DEFAULT_INIT_FILE, ...extra] = parsed.positionals;
    if (extra.length > 0) throw new UsageError('`gtv init` takes one file', this.name);
    try {
      writeFileSync(file, STARTER_STUDY, { flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`\`${file}\` already exists; not overwriting it`, this.name);
      throw new UsageError(`cannot write \`${file}\`: ${code ?? String(e)}`, this.name);
    }
    io.stdout(`wrote ${file}; next: gtv check ${file}\n`);
    return EXIT_OK;
  },
};

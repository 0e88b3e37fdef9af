import type { CodeInfo } from './types.js';

// GTV08xx: lint rules (compiler/lint/). The code's name is the rule's name, the one written in
// gtv.json and in `# gtv-disable-next-line` comments; the severity is the rule's default, which
// a project's configuration may change. The thresholds are derived in docs/lint.md.

const defs = {
  lintConfig: {
    code: 'GTV0800',
    severity: 'error',
    title: 'invalid lint configuration',
    explain: `The lint configuration is not valid: the \`gtv.json\` (or the \`"gtv"\` key of
package.json) nearest to the study does not match its schema, or a disable comment names a rule
that does not exist.

    { "rules": { "float32-score": "warn" } }      # error: must be off, info, warning or error
    # gtv-disable-next-line float32-scor           # error: unknown lint rule; did you mean ...?

Fix the configuration; \`gtv explain\` lists every rule name (the GTV08xx codes, plus the
checker's unused-definition and unused-sweep warnings).`,
  },
  float32Score: {
    code: 'GTV0801',
    severity: 'warning',
    title: 't_min too small for float32',
    explain: `At the smallest time t_min the posterior logits |x - alpha_t mu_m|^2 / (2 sigma_t^2) are so
large that float32 rounding (relative 2^-24) changes the posterior weights, and with them the
score (alpha_t mu_bar - x) / sigma_t^2, by more than 1%. tfjs computes in float32, so samples,
maps and trained models near t_min are then dominated by rounding.

The rule needs sigma_t^2 / alpha_t^2 >= 3e-6 h^2 at t_min, where h is the largest
nearest-neighbour distance between training points (the scale over which two weights compete),
and sigma_t >= 6e-6 R, where R is the largest coordinate of the data or histogram range (the
position resolution of float32). docs/lint.md derives both.

    sweep eps = [1e-8, 1e-3]
    t_min = eps               # warning: at t_min = 1e-8 float32 loses the score

Raise t_min to at least the value in the hint (not fixed automatically: it changes results).`,
  },
  coarseGrid: {
    code: 'GTV0802',
    severity: 'warning',
    title: 'grid too coarse for the data spacing',
    explain: `A map's grid step or a histogram's bin width is wider than half the data's spacing (the
median distance from a training point to its nearest neighbour), so the boundary regions between
neighbouring points (where the proxy-score covariance lives, docs/theory.md 3.3) fall between two grid
points or into one bin.

    data d = points([0], [0.01])
    map w = posterior_weights(grid = grid(x = -1 .. 1, n = 11), t = [0.01])   # warning

Use more grid points (or bins), or a narrower range.`,
  },
  featureRange: {
    code: 'GTV0803',
    severity: 'warning',
    title: 'feature range does not cover the data or the time interval',
    explain: `A basis's \`over\` interval does not cover the extent of the training data along its axis
(x, y, z), or, for the time axis t, the interval [t_min, T] on which the model is trained and
sampled. Outside \`over\` the features are nearly zero (Gaussian) or periodic (Fourier), so the
model cannot fit the score there.

    data d = points([-2], [2])
    features phi = gauss(x, n = 16, over = -1 .. 1)   # warning: data reach -2 .. 2

Widen \`over\` to the data's extent (with a margin), or to [t_min, T] for t.`,
  },
  fewDrawsPerBin: {
    code: 'GTV0804',
    severity: 'warning',
    title: 'too few draws for the histogram bins',
    explain: `A histogram (of a sample or a metric) has fewer than 10 draws per bin on average, so the
density it shows and the metrics computed from it are dominated by counting noise (relative
error about 1/sqrt(draws per bin), over 30%).

    sample a = pf_ode(true, draws = 1000, bins = 200)   # warning: 5 draws per bin

Raise \`draws\` or lower \`bins\`.`,
  },
  theoryRegime: {
    code: 'GTV0805',
    severity: 'warning',
    title: 'F/P regime where the theory is heuristic',
    explain: `An \`effective_sde\` sampler uses a linear model whose feature count F is larger than half its
sample count P. The V-kernel of docs/theory.md 9.2 is the P -> infinity limit at fixed F/P; for F > P
the model is overparameterized (docs/theory.md 9.3: only the ridge keeps it finite, random-matrix
corrections are missing), and near the interpolation threshold F = P those corrections are
largest. The theory's curve may then differ from the trained ensemble for reasons that are not
the effect being studied.

    features phi = gauss(x, n = 16) * gauss(t, n = 16)   # F = 256
    model lin = linear(phi, samples = 128)
    sample theory = effective_sde(lin)                   # warning: F/P = 2

Compare with an \`ensemble\` sampler, or raise P. A study that explores this regime on purpose
can say so with \`# gtv-disable-next-line theory-regime\`.`,
  },
  cellMemory: {
    code: 'GTV0806',
    severity: 'warning',
    title: 'a cell will not fit in memory',
    explain: `The memory one cell needs at once (estimated from draws, members, grid sizes and the
feature count F: outputs kept until the cell ends, models, and the largest piece of work the
runtime cannot split) exceeds this machine's total memory. The run would fail or swap: a
warning on the study. One array larger than the whole memory (a sampler's draws, a histogram, a
Gram or kernel matrix) cannot be allocated at all: an error on the argument that sets its size.

    model lin = linear(phi, samples = 1e9)               # F = 1e4: the 1e9 x 1e4 design
                                                         # takes 73 TiB (warning)
    sample a = pf_ode(true, draws = 1e9)                 # 2D: 7.5 GiB of draws (error on a
                                                         # machine with 4 GiB)

Reduce the sizes named in the message, or run that sweep on a larger machine. Arrays beyond
2^32 elements are GTV0410, on every machine.`,
  },
  mlpNtkMapping: {
    code: 'GTV0807',
    severity: 'warning',
    title: 'an mlp compared with NTK theory it does not follow',
    explain: `A study has an \`mlp\` model and an \`ntk\` model of the same data and forward process (the
trained network set beside its infinite-width theory), or uses the mlp's own NTK theory
(\`effective_sde\` or a V-kernel map of the mlp), but the network's training departs from
what the NTK model describes: gradient flow on one fixed set of P samples, where gradient descent
at rate lr for n steps is the flow for time tau = lr x n (runtime/models/mlp/config.ts). adam
rescales every coordinate's step by its running gradient size, so no single tau corresponds to
its steps; online samples and mini-batches add noise the NTK model does not have; weight decay
pulls the parameters towards zero rather than their initial values; without center = true the
network keeps its random initial function, which the theory takes as zero. The two may then
differ for reasons other than finite width.

    model net = mlp(width = 256, optimizer = "adam", samples = "online")
    model theory = ntk(samples = 256, tau = 2000)

Use optimizer = "sgd", samples = P, batch >= P (gradient descent on the same P) and center = true
to compare with the NTK model at tau = lr x steps.`,
  },
} as const satisfies Record<string, Omit<CodeInfo, 'name'>>;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Code strings by rule, e.g. LINT.float32Score === 'GTV0801'. */
export const LINT = Object.fromEntries(Object.entries(defs).map(([k, v]) => [k, v.code])) as {
  [K in keyof typeof defs]: (typeof defs)[K]['code'];
};

export const LINT_CODES: CodeInfo[] = Object.entries(defs).map(([k, v]) => ({ name: kebab(k), ...v }));

import type { CodeInfo } from './types.js';

// GTV02xx-GTV07xx: resolution, arguments and types, values and ranges, dimensions, imports,
// unused definitions (owned by the checker). GTV0900 is the compiler's internal-error code.
// Checks refer to codes through SEM so a renamed code is a type error, not a silent mismatch.

const defs = {
  unknownName: {
    code: 'GTV0201',
    severity: 'error',
    title: 'unknown name',
    explain: `A name is used that no \`let\`, \`sweep\` or declaration defines, in this file or in an
imported one. The hint suggests the closest defined name.

    model lin = linear(phj, samples = 64)   # error: unknown name \`phj\`; did you mean \`phi\`?

Fix the spelling, declare the name, or import the file that declares it.`,
  },
  unknownBuiltin: {
    code: 'GTV0202',
    severity: 'error',
    title: 'unknown built-in',
    explain: `A declaration calls a built-in that does not exist for its kind. Every kind (data,
forward, features, model, sample, map, metric, plot) has its own built-ins, listed in
docs/language.md.

    forward vp = vp_cosin(beta_min = 0.1)   # error: unknown forward process \`vp_cosin\`

The hint names the closest built-in of that kind, or the kind the name belongs to
(\`gauss\` is a features built-in, not a data built-in).`,
  },
  duplicateDefinition: {
    code: 'GTV0203',
    severity: 'error',
    title: 'duplicate definition',
    explain: `Two definitions (let, sweep or declaration of any kind) in the same scope use one name.
Names are shared across kinds and across imported files, because declarations refer to each
other by name alone.

    data train = points([0])
    model train = true        # error: \`train\` is already defined

Rename one of them.`,
  },
  reservedName: {
    code: 'GTV0204',
    severity: 'error',
    title: 'reserved name',
    explain: `The names x, y, z and t are axes (data coordinates and diffusion time), \`pi\` is a
constant and \`true_density\` names the exact density in metrics. They cannot be redefined.

    let t = 0.5    # error: \`t\` is reserved

Pick another name.`,
  },
  wrongKind: {
    code: 'GTV0205',
    severity: 'error',
    title: 'reference to the wrong kind',
    explain: `An argument names a declaration of a different kind than the parameter expects, e.g. a
model where a sample set is expected:

    metric m = gap_mass(lin)    # error: \`lin\` is a model, gap_mass expects a sample

Pass a declaration of the expected kind (the message says which).`,
  },
  ambiguousDefault: {
    code: 'GTV0206',
    severity: 'error',
    title: 'ambiguous data or forward process',
    explain: `Models, samples, maps and metrics use the study's data set and forward process
implicitly. When several data sets (not counting ones only used to build others, such as the
input of \`rotate\`) or several forward processes are in scope, the implicit choice is ambiguous:
name one with \`data = ...\` or \`forward = ...\`.

    data a = points([0])
    data b = points([1])
    model m = naive(kappa = 0.1)             # error: which data?
    model m = naive(kappa = 0.1, data = a)   # ok`,
  },
  missingDefault: {
    code: 'GTV0207',
    severity: 'error',
    title: 'no data or forward process',
    explain: `A model, sample, map or metric needs a data set and a forward process, but the study
declares none (and none is named). Add e.g. \`data train = points([-1], [1])\` and
\`forward vp = vp()\`.`,
  },
  unknownSetting: {
    code: 'GTV0208',
    severity: 'error',
    title: 'unknown study setting',
    explain: `A study setting (\`name = value\` without a keyword) must be one of seed, t_min,
steps. Each is also the default of every built-in parameter of the same name.

    stpes = 30    # error: unknown setting \`stpes\`; did you mean \`steps\`?

For a named constant use \`let name = value\`.`,
  },
  duplicateSetting: {
    code: 'GTV0209',
    severity: 'error',
    title: 'setting given twice',
    explain: `A study sets the same setting twice, e.g. two \`seed = ...\` lines; only one value can
hold, and gtv does not pick one silently. Remove one of the lines.`,
  },
  duplicateStudy: {
    code: 'GTV0210',
    severity: 'error',
    title: 'duplicate study name',
    explain: `Two study blocks in one file have the same name. Each study becomes one IR document
and one run folder named after it, so names must differ.`,
  },
  circularDefinition: {
    code: 'GTV0211',
    severity: 'error',
    title: 'circular definition',
    explain: `A constant or declaration refers to itself, directly or through others, so it has no
value.

    let a = b + 1
    let b = a * 2   # error: \`a\` and \`b\` depend on each other`,
  },
  tooDeep: {
    code: 'GTV0212',
    severity: 'error',
    title: 'definitions nested too deeply',
    explain: `A definition refers to another, which refers to another, and so on, more than 400
levels deep before reaching a value (for example a chain of data transforms written from the
last to the first). Define each thing before it is used (top to bottom), which the compiler
follows without nesting, or shorten the chain.`,
  },
  unknownArgument: {
    code: 'GTV0301',
    severity: 'error',
    title: 'unknown argument',
    explain: `A named argument is not a parameter of the built-in.

    forward vp = vp(beta_mn = 0.1)   # error: \`vp\` has no parameter \`beta_mn\`; did you mean \`beta_min\`?

The hint lists the closest parameter; docs/language.md lists them all.`,
  },
  missingArgument: {
    code: 'GTV0302',
    severity: 'error',
    title: 'missing argument',
    explain: `A required parameter (one without a default) is not given.

    model lin = linear(phi)   # error: missing argument \`samples\`

Add it, positionally or by name.`,
  },
  duplicateArgument: {
    code: 'GTV0303',
    severity: 'error',
    title: 'argument given twice',
    explain: `The same parameter is given twice, by name twice or both positionally and by name.

    features f = gauss(x, axis = t, n = 4, over = 0 .. 1)   # \`axis\` given twice`,
  },
  tooManyArguments: {
    code: 'GTV0304',
    severity: 'error',
    title: 'too many positional arguments',
    explain: `More positional arguments are given than the built-in has positional parameters.
Some parameters (such as \`data\` and \`forward\` of models) can only be given by name.

    forward f = edm(1, 2)   # edm takes one positional argument (T)`,
  },
  typeMismatch: {
    code: 'GTV0305',
    severity: 'error',
    title: 'wrong type',
    explain: `An argument or setting has the wrong type: a string where a number is expected, a
single number where a point (a list) is expected, an unknown choice of a string option, an
expression of \`t\` outside \`alpha_sigma\`, and so on. The message says what was expected and
what was found.

    sample s = pf_ode(true, solver = "rk4")   # expected one of "euler", "heun"`,
  },
  unitNotAllowed: {
    code: 'GTV0306',
    severity: 'error',
    title: 'unit on a value that takes none',
    explain: `Only angles take a unit (\`deg\` or \`rad\`). A unit on a count, a length or a time is
an error rather than silently dropped:

    data p = polygon(n = 6deg)   # error

A bare number where an angle is expected is read as radians; write \`22.5deg\` for degrees.
Constants and sweep values may carry an angle unit; it is converted to radians where written.`,
  },
  unknownUnit: {
    code: 'GTV0307',
    severity: 'error',
    title: 'unknown unit',
    explain: `A number carries a unit suffix gtv does not know. The only units are \`deg\` and
\`rad\` (angles).

    data r = rotate(d, 45degree)   # error: unknown unit \`degree\`; did you mean \`deg\`?`,
  },
  expectedCall: {
    code: 'GTV0308',
    severity: 'error',
    title: 'expected a built-in call',
    explain: `A declaration's value must be a call of a built-in of its kind, e.g.
\`forward f = vp()\`. Data may also be another data set's name (a copy), features may combine
feature maps with \`*\` and \`+\`, and a model may be \`true\` (the exact score).

    forward f = 0.1   # error: expected a forward process such as vp(...)`,
  },
  conflictingArguments: {
    code: 'GTV0309',
    severity: 'error',
    title: 'conflicting or incomplete argument choice',
    explain: `Some built-ins take exactly one of two alternative parameters, e.g. \`anisotropic\`
takes the full matrix \`diffusion\` or its \`diag\`onal, not both and not neither.`,
  },
  incompatibleModel: {
    code: 'GTV0310',
    severity: 'error',
    title: 'model not usable here',
    explain: `A sampler or map is given a model type it cannot use: \`ensemble\` and
\`effective_sde\` need a trained model (linear, ntk or mlp; effective_sde also takes naive), the
\`naive\` sampler needs a naive model, the V-kernel maps need a linear, ntk or mlp model.

    sample s = ensemble(true)   # error: the exact score has no ensemble`,
  },
  outOfRange: {
    code: 'GTV0401',
    severity: 'error',
    title: 'value out of range',
    explain: `A value lies outside its parameter's range, e.g. \`t_min\` must be > 0, \`ridge\` >= 0,
counts >= 1, times in (0, T], t_min < T.

    sample s = pf_ode(true, t_min = 0)   # error: t_min must be > 0

The message gives the range; docs/language.md lists every parameter's range.`,
  },
  notInteger: {
    code: 'GTV0402',
    severity: 'error',
    title: 'not a whole number',
    explain: `Counts, indices and seeds must be whole numbers. \`1e5\` is fine; \`64.5\` is not.

    model lin = linear(phi, samples = 64.5)   # error`,
  },
  emptyInterval: {
    code: 'GTV0403',
    severity: 'error',
    title: 'empty interval',
    explain: `An interval \`lo .. hi\` (or \`[lo, hi]\`) must have lo < hi.

    features f = gauss(x, n = 8, over = 1 .. -1)   # error: write -1 .. 1`,
  },
  emptySweep: {
    code: 'GTV0404',
    severity: 'error',
    title: 'empty sweep',
    explain: `A sweep axis has no values: an empty list, an integer range \`lo .. hi\` with hi < lo,
or linspace/geomspace with n < 1. A study with an empty axis would have no cells.`,
  },
  duplicateSweepValue: {
    code: 'GTV0405',
    severity: 'error',
    title: 'duplicate sweep value',
    explain: `A sweep axis lists the same value twice. Cell ids are built from the values, so two
cells would share an id (and a cache entry).

    sweep P = [64, 128, 64]   # error`,
  },
  nonFinite: {
    code: 'GTV0406',
    severity: 'error',
    title: 'arithmetic gives no finite number',
    explain: `Constant arithmetic produced infinity or NaN: a division by zero, the logarithm or
square root of a negative number, or an overflow. The IR holds finite numbers only.

    let w = 1 / 0   # error`,
  },
  lengthMismatch: {
    code: 'GTV0407',
    severity: 'error',
    title: 'lists of different lengths',
    explain: `Two lists that must match in length do not: \`weights\` needs one entry per point; the
rows of a matrix must have equal length (and a diffusion matrix must be square); a list
where one entry per data axis is expected has a different number of entries.`,
  },
  indexOutOfRange: {
    code: 'GTV0408',
    severity: 'error',
    title: 'index out of range',
    explain: `An index (e.g. \`duplicate(d, index = 5, k = 2)\`) does not name a point of the data
set. Indices are 0-based.`,
  },
  badDataFile: {
    code: 'GTV0409',
    severity: 'error',
    title: 'unreadable data file',
    explain: `A csv or npy data file exists but cannot be read as points: a non-numeric cell, rows of
different lengths, an unsupported version, dtype or shape, or more than 1,000,000 points. CSV:
one point per row, plain decimal numbers (\`1\`, \`-0.5\`, \`2e-3\`, optionally in double quotes;
not hexadecimal, \`Infinity\` or \`NaN\`) separated by commas, semicolons, tabs or spaces; a first
row that is not all numbers is a header and skipped. The message names the row and column, never
the cell's content. NPY: format 1.0-3.0, float64/float32/int32/int64, C order, shape (M,) or
(M, D).`,
  },
  arrayTooLarge: {
    code: 'GTV0410',
    severity: 'error',
    title: 'array too large to allocate',
    explain: `A value the run keeps in one array has more elements than a JavaScript typed array can
hold (2^32 = 4294967296 in Node's V8), so \`gtv run\` could not allocate it whatever the machine.
The check counts a sampler's kept draws (draws x members x dimensions, float32), a histogram's
bins (bins, or bins^2 for 2D data, float64), a linear model's F x F Gram matrix and an ntk
model's design x design kernel matrix.

    sample a = pf_ode(true, draws = 1e12)            # error: 1e12 draws in one array
    sample b = pf_ode(true, draws = 1e4, bins = 1e5) # error (2D data): 1e10 bins

Lower the argument the message points at (the hint gives the largest value that fits). Sizes
that fit in an array but not in the machine's memory are the lint's cell-memory finding.`,
  },
  dimensionMismatch: {
    code: 'GTV0501',
    severity: 'error',
    title: 'dimension mismatch',
    explain: `Values that must share the data dimension do not: points of mixed length in one data
set, a point of the wrong length for its data, data sets of different dimensions combined, or
a diffusion matrix whose size is not the data dimension.

    data d = points([0, 0], [1])   # error: a 2D point and a 1D point`,
  },
  featureAxisOutsideData: {
    code: 'GTV0502',
    severity: 'error',
    title: 'feature over an axis the data lacks',
    explain: `A feature depends on an axis the data does not have, e.g. \`y\` with 1D data. Axes
are x (1st coordinate), y (2nd), z (3rd) and t (time).

    data d = points([-1], [1])
    features f = gauss(y, n = 8, over = -2 .. 2)   # error: the data is 1D`,
  },
  featuresMissAxis: {
    code: 'GTV0503',
    severity: 'error',
    title: 'features do not cover every data axis',
    explain: `A model's features do not depend on every coordinate of its data, so the learned score
is constant along the missing axes: 2D data with features over x (and t) only. Multiply in
features over the missing axis: \`gauss(x, ...) * gauss(y, ...) * gauss(t, ...)\`.`,
  },
  gridRank: {
    code: 'GTV0504',
    severity: 'error',
    title: 'grid of the wrong rank',
    explain: `A map's grid must have one axis per data coordinate: interval(...) for 1D data,
square(...) for 2D, box(...) with one interval per axis in general.`,
  },
  fixedDimension: {
    code: 'GTV0505',
    severity: 'error',
    title: 'built-in needs another dimension',
    explain: `The built-in only works in a fixed dimension: \`rotate\` turns points in a plane, so it
needs 2D data; \`polygon\` and \`ring\` always make 2D data.

    data d = rotate(points([-1], [1]), angle = 10deg)   # error: the data is 1D`,
  },
  importNotFound: {
    code: 'GTV0601',
    severity: 'error',
    title: 'imported file not found',
    explain: `An \`import "path.gtv"\` names a file that cannot be read: it does not exist, the path
is empty, it is a directory, a device, a named pipe or a loop of symbolic links, or it cannot be
opened. The message says which. Paths are relative to the importing file's folder.`,
  },
  importCycle: {
    code: 'GTV0602',
    severity: 'error',
    title: 'import cycle',
    explain: `Files import each other in a cycle (a.gtv imports b.gtv, which imports a.gtv). Move the
shared definitions into a third file that both import.`,
  },
  dataFileNotFound: {
    code: 'GTV0603',
    severity: 'error',
    title: 'data file not found',
    explain: `csv(...) or npy(...) names a file that cannot be read: it does not exist, it is a
directory, a device, a named pipe or a loop of symbolic links, or it cannot be opened. The
message says which. Paths are relative to the file that holds the declaration.`,
  },
  studyInImport: {
    code: 'GTV0604',
    severity: 'error',
    title: 'study block in an imported file',
    explain: `Imported files are libraries: they may hold imports, \`let\` constants and
declarations, but no study blocks. Move the study into its own file.`,
  },
  notASweepAxis: {
    code: 'GTV0605',
    severity: 'error',
    title: 'not a sweep axis',
    explain: `A plot's \`by (...)\` lists panel axes, which must be sweep axes of the study.

    plot density(s) by (eps, phi)   # error: \`phi\` is features, not a sweep axis`,
  },
  sweepNotAllowed: {
    code: 'GTV0606',
    severity: 'error',
    title: 'sweep variable not allowed here',
    explain: `A sweep variable may appear anywhere a number may inside a cell, but not where one
value must hold for the whole study: the \`seed\` setting, the values of another sweep axis,
file paths and plot file names.`,
  },
  plotLayout: {
    code: 'GTV0607',
    severity: 'error',
    title: 'invalid plot layout',
    explain: `A plot's \`by (...)\` takes at most two sweep axes (rows, then columns), each once; and
two plots cannot write the same file or share a name.`,
  },
  readNotAllowed: {
    code: 'GTV0608',
    severity: 'error',
    title: 'file a study may not read',
    explain: `A study may come from anyone, so what it reads is limited: imports and data files must
lie, after following symbolic links, below the project root (the nearest folder above the
study holding gtv.json, package.json or .git, else the study's own folder), and imports must be
.gtv files. Nothing outside is opened, and no file that is not a study is ever quoted.

    import "/etc/passwd"                  # error: outside the project root; not a .gtv file
    data d = csv("../../shared/pts.csv")  # error if ../../shared is above the project root

Move the file into the project, or let gtv read another folder when you run it:
\`gtv check --allow-read ../shared study.gtv\` (repeatable), or GTV_ALLOW_READ=dir1:dir2 for
every command and the language server. A study's own gtv.json cannot allow more.`,
  },
  fileTooLarge: {
    code: 'GTV0609',
    severity: 'error',
    title: 'file too large',
    explain: `An imported file or a data file is larger than the limit for files a study reads
(64 MiB unless changed), which keeps a hostile or mistaken path from exhausting memory. Raise
it when you run gtv: \`--max-file-size 512M\`, or GTV_MAX_FILE_SIZE=512M for every command and the
language server. Data sets hold at most 1,000,000 points however large the file.`,
  },
  plotFileReserved: {
    code: 'GTV0610',
    severity: 'error',
    title: 'plot file owned by the run',
    explain: `A plot cannot write a file the run folder keeps for itself: \`metrics.csv\`,
\`metrics.json\`, \`manifest.json\`, \`report.html\`, \`study.gtv\`, \`plan.json\`, \`slurm.sh\`,
anything under \`cells/\` (the cells' results) or \`slices/\`. A table plot writes .csv, .svg and
.png under its name, so \`plot table(gap) to "metrics.csv"\` would replace the run's metrics
table. Names are compared without case. Choose another name:

    plot table(gap) to "metrics.csv"          # error: the run's own metrics.csv
    plot table(gap) to "tables/gap.csv"       # fine`,
  },
  unusedDefinition: {
    code: 'GTV0701',
    severity: 'warning',
    title: 'unused definition',
    explain: `A constant or a data, forward, features or model declaration is never used by the
study (samples, maps and metrics are outputs and always run). Remove it or use it.`,
  },
  unusedSweep: {
    code: 'GTV0702',
    severity: 'warning',
    title: 'unused sweep axis',
    explain: `A sweep axis is never used by a setting or declaration, so every cell along it repeats
the same computation. Use the variable or remove the axis.`,
  },
  internalError: {
    code: 'GTV0900',
    severity: 'error',
    title: 'internal compiler error',
    explain: `The compiler hit a bug (an unexpected exception, or IR that fails its own schema).
This is never the input's fault. Please report it with the input file; the message holds the
details.`,
  },
} as const satisfies Record<string, Omit<CodeInfo, 'name'>>;

export type SemanticCode = keyof typeof defs;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Code strings by check name, e.g. SEM.unknownName === 'GTV0201'. */
export const SEM = Object.fromEntries(Object.entries(defs).map(([k, v]) => [k, v.code])) as {
  [K in SemanticCode]: (typeof defs)[K]['code'];
};

export const SEMANTIC_CODES: CodeInfo[] = Object.entries(defs).map(([k, v]) => ({ name: kebab(k), ...v }));

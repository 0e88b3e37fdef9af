// GTV0801 float32-score: the smallest time at which samples, maps or models evaluate the score
// is so small that float32 rounding moves the posterior weights by more than 1%.
//
// Derivation (docs/lint.md): the logit of a competing training point at distance ~h is
// L = alpha^2 h^2 / (2 sigma^2); float32 computes it with relative error u = 2^-24, which scales
// the weight by exp(+-u L). Requiring u L <= 1% gives sigma^2 / alpha^2 >= 50 u h^2. Independently,
// float32 resolves positions of size R only to u R, against the posterior's own scale sigma:
// u R / sigma <= 1% gives sigma >= 100 u R.
import { LINT } from '../../codes/lint.js';
import type { IrCell, IrForward } from '../../ir/types.js';
import { extent, fmt, nearestSpacing, nodeNamed, nodesOf } from '../geometry.js';
import { noiseAt } from '../schedule.js';
import type { Finding, LintRule, RuleContext } from '../types.js';

const U = 2 ** -24;
const TOLERANCE = 0.01;

interface Use {
  t: number;
  data: string;
  forward: string;
  /** Largest coordinate the node evaluates at (data and histogram / grid range). */
  reach: number;
  span: Finding['span'];
}

export const float32Score: LintRule<typeof LINT.float32Score> = {
  code: LINT.float32Score,
  check(cx) {
    const out: Finding[] = [];
    for (const use of uses(cx)) {
      const data = nodeNamed(cx.cell, use.data, 'data');
      const fwd = nodeNamed(cx.cell, use.forward, 'forward');
      if (!data || !fwd) continue;
      const h = nearestSpacing(data)?.max ?? 0;
      const R = Math.max(use.reach, ...extent(data).flat().map(Math.abs));
      const safe = (t: number) => isSafe(fwd, t, h, R);
      if (safe(use.t) !== false) continue;
      const fix = smallestSafe(fwd, use.t, safe);
      out.push({
        message: `at t = ${fmt(use.t)} float32 loses the score: rounding moves the posterior weights by more than 1%`,
        span: use.span,
        hint: fix === undefined ? 'raise t_min' : `raise t_min to at least ${fmt(fix)}`,
      });
    }
    return out;
  },
};

/** undefined when the process has no closed form here. */
function isSafe(f: IrForward, t: number, h: number, R: number): boolean | undefined {
  const n = noiseAt(f, t);
  if (!n) return undefined;
  const weights = n.sigma2 / n.alpha2 >= (U / (2 * TOLERANCE)) * h * h;
  const position = Math.sqrt(n.sigma2) >= (U / TOLERANCE) * R;
  return weights && position;
}

/** The smallest safe time in (t, T], by bisection on a log scale (the noise grows with t). */
function smallestSafe(f: IrForward, t: number, safe: (t: number) => boolean | undefined): number | undefined {
  if (!safe(f.T)) return undefined;
  let lo = Math.log(t);
  let hi = Math.log(f.T);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (safe(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return roundUp(Math.exp(hi));
}

/** Up to two significant digits, never below x (so the hint's value is itself safe). */
function roundUp(x: number): number {
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Number((Math.ceil(x / step) * step).toPrecision(2));
}

function uses(cx: RuleContext): Use[] {
  const { cell, src } = cx;
  const reachOf = (ranges: [number, number][]) => Math.max(0, ...ranges.flat().map(Math.abs));
  const tSpan = (name: string, arg: string) =>
    src.arg(name, arg)?.span ?? src.setting('t_min')?.span ?? src.declSpan(name);
  const out: Use[] = [];
  for (const s of nodesOf(cell, 'sample')) {
    out.push({
      t: s.grid.t_min,
      data: s.data,
      forward: s.forward,
      reach: reachOf(s.histogram.range),
      span: tSpan(s.name, 't_min'),
    });
  }
  for (const m of nodesOf(cell, 'map')) {
    if (m.t.length === 0) continue;
    const reach = reachOf(m.grid.axes.map((a) => [a.lo, a.hi]));
    out.push({
      t: m.t.reduce((a, b) => Math.min(a, b)),
      data: m.data,
      forward: m.forward,
      reach,
      span: src.argSpan(m.name, 't'),
    });
  }
  for (const m of modelsTrained(cell)) {
    out.push({ t: m.t_range[0], data: m.data, forward: m.forward, reach: 0, span: tSpan(m.name, 't_min') });
  }
  return out;
}

function modelsTrained(cell: IrCell) {
  return nodesOf(cell, 'model').flatMap((m) => (m.type === 'linear' || m.type === 'ntk' ? [m] : []));
}

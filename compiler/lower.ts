// AST to IR for one study: settings, sweep axes, one lowering per cell, plots. Every cell is
// lowered, because a value may be out of range in some cells only (the reporter merges what
// several cells report at one place).
import type { Expr, StudyBlock, SweepStmt } from './ast.js';
import { SEM } from './codes/semantic.js';
import type { Reporter } from './checks/report.js';
import { bindArguments } from './checks/args.js';
import { didYouMean } from './checks/suggest.js';
import { Evaluator, fmt } from './evaluate.js';
import { portablePath } from './host.js';
import { IR_VERSION, type IrAxis, type IrCell, type IrDocument, type IrPlot } from './ir/types.js';
import { CellLowering, type CellSettings } from './lower/cell.js';
import type { Shared } from './lower/context.js';
import { cellSeed, shareSeeds } from './passes/seeds.js';
import { expandCells } from './passes/sweep.js';
import { RESERVED, type StudyScope } from './resolve.js';
import { linspace, geomspace } from '../stdlib/data.js';
import { lookupBuiltin, SETTINGS } from '../stdlib/signatures.js';
import { lowerPlots } from './lower/plot.js';

const noNodes = { node: () => undefined };
/** Limits that keep a typo (`1 .. 100000000`) from hanging the compiler. */
const MAX_AXIS_VALUES = 10_000;
const MAX_CELLS = 10_000;

export function lowerStudy(
  scope: StudyScope & { study: StudyBlock },
  r: Reporter,
  shared: Shared,
): IrDocument | undefined {
  for (const [name, s] of scope.settings) {
    if (!SETTINGS.some((p) => p.name === name)) {
      r.report(
        SEM.unknownSetting,
        `unknown study setting \`${name}\``,
        s.name,
        didYouMean(
          name,
          SETTINGS.map((p) => p.name),
        ) ?? `settings: ${SETTINGS.map((p) => p.name).join(', ')}; use \`let\` for constants`,
      );
    }
  }
  checkLetNames(scope, r);
  const fixed = new Evaluator(scope, null, r, noNodes, 'in the seed setting');
  const seedSetting = scope.settings.get('seed');
  const seedSpec = SETTINGS.find((p) => p.name === 'seed')!;
  const seed = seedSetting ? fixed.checkedNumber(seedSetting.value, seedSpec, '') : 0;

  const axes: IrAxis[] = [];
  for (const d of scope.sweeps) {
    const values = sweepValues(
      new Evaluator(scope, null, r, noNodes, 'in the values of a sweep axis'),
      d.node as SweepStmt,
      r,
    );
    if (values) axes.push({ name: d.name, values });
  }
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  const tooMany = count > MAX_CELLS;
  if (tooMany) {
    r.report(
      SEM.outOfRange,
      `the sweep axes make ${count} cells; a study holds at most ${MAX_CELLS}`,
      scope.sweeps[scope.sweeps.length - 1].node.value,
      'split the study, or sweep fewer values',
    );
  }
  // Too many cells: still check the declarations, in the first cell only.
  const coords = expandCells(tooMany ? axes.map((a) => ({ name: a.name, values: a.values.slice(0, 1) })) : axes);
  const roots = scope.study.body
    .filter((s) => s.kind === 'decl' && ['sample', 'map', 'metric'].includes(s.declKind))
    .map((s) => (s as { name: { name: string } }).name.name);
  const toCheck = [...scope.defs.values()].filter(
    (d) => d.where !== 'import' && d.kind !== 'let' && d.kind !== 'sweep',
  );
  const cells: IrCell[] = [];
  r.totalCells = axes.length ? coords.length : 0;
  let plots: IrPlot[] = [];
  coords.forEach((cc, i) => {
    const values = new Map(Object.entries(cc.values));
    r.cell = axes.length ? cc.id : undefined;
    const settings = cellSettings(scope, values, r, seed ?? 0);
    const cs = cellSeed(seed ?? 0, cc.id);
    const cx = new CellLowering(scope, r, values, cs, settings, shared);
    for (const d of toCheck) cx.node(d, d.node.name);
    if (i === 0) plots = lowerPlots(cx, scope, r, roots);
    const plotPoints = plots.map((p) => p.points).filter((p): p is string => p !== null);
    cells.push({ id: cc.id, index: cc.index, values: cc.values, seed: cs, nodes: cx.emit([...roots, ...plotPoints]) });
  });
  r.cell = undefined;
  if (seed === undefined || tooMany) return undefined;
  shareSeeds(seed, axes, cells);
  return {
    ir_version: IR_VERSION,
    study: scope.study.name.name,
    source: portablePath(scope.file),
    seed,
    axes,
    cells,
    plots,
  };
}

function cellSettings(scope: StudyScope, cell: Map<string, number>, r: Reporter, seed: number): CellSettings {
  const ev = new Evaluator(scope, cell, r, noNodes);
  const get = (name: 't_min' | 'steps') => {
    const spec = SETTINGS.find((p) => p.name === name)!;
    const s = scope.settings.get(name);
    if (!s) return (spec.default as { value: number }).value;
    return ev.checkedNumber(s.value, spec, '');
  };
  return { seed, t_min: get('t_min'), steps: get('steps') };
}

/** A list, an integer range `lo .. hi` (inclusive), or linspace / geomspace. */
function sweepValues(ev: Evaluator, s: SweepStmt, r: Reporter): number[] | undefined {
  const e: Expr = s.value.kind === 'paren' ? s.value.inner : s.value;
  let values: number[] | undefined;
  if (e.kind === 'list') {
    const vs = e.items.map((i) => ev.number(i, true));
    if (vs.some((v) => v === undefined)) return undefined;
    values = vs as number[];
  } else if (e.kind === 'range') {
    const lo = ev.number(e.from, false);
    const hi = ev.number(e.to, false);
    if (lo === undefined || hi === undefined) return undefined;
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
      r.report(SEM.notInteger, 'an integer range `lo .. hi` needs whole numbers; use linspace(a, b, n) for others', e);
      return undefined;
    }
    if (hi - lo >= MAX_AXIS_VALUES) {
      r.report(SEM.outOfRange, `the range ${lo} .. ${hi} has more than ${MAX_AXIS_VALUES} values`, e);
      return undefined;
    }
    values = [];
    for (let v = lo; v <= hi; v++) values.push(v);
  } else if (e.kind === 'call' && (e.callee.name === 'linspace' || e.callee.name === 'geomspace')) {
    const spec = lookupBuiltin('sweep', e.callee.name)!;
    const b = bindArguments(e, spec, r);
    if (!b.ok) return undefined;
    const [ea, eb, en] = ['a', 'b', 'n'].map((n) => b.args.get(n) as Expr);
    const va = ev.number(ea, true);
    const vb = ev.number(eb, true);
    const vn = ev.checkedNumber(en, spec.params[2], spec.name);
    if (va === undefined || vb === undefined || vn === undefined) return undefined;
    if (vn > MAX_AXIS_VALUES) {
      r.report(SEM.outOfRange, `n = ${vn} values; a sweep axis holds at most ${MAX_AXIS_VALUES}`, en);
      return undefined;
    }
    if (spec.name === 'geomspace' && !(va * vb > 0)) {
      r.report(SEM.outOfRange, 'geomspace needs a and b non-zero and of the same sign', e);
      return undefined;
    }
    values = spec.name === 'linspace' ? linspace(va, vb, vn) : geomspace(va, vb, vn);
  } else {
    const v = ev.number(e, true, 'a list of values, `lo .. hi`, linspace(a, b, n) or geomspace(a, b, n)');
    if (v === undefined) return undefined;
    values = [v];
  }
  if (values.length === 0) {
    r.report(SEM.emptySweep, `the sweep axis \`${s.name.name}\` has no values`, s.value);
    return undefined;
  }
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = Object.is(values[i], -0) ? 0 : values[i];
    if (seen.has(v)) {
      const node = e.kind === 'list' ? e.items[i] : s.value;
      r.report(
        SEM.duplicateSweepValue,
        `the sweep axis \`${s.name.name}\` lists ${fmt(v)} twice`,
        node,
        'cell ids are made from the values, so each must be distinct',
      );
      return undefined;
    }
    seen.add(v);
    values[i] = v;
  }
  return values;
}

/** `let` values are evaluated where they are used, in the type needed there; their names are
 * checked here so that a misspelling in an unused constant is still reported. */
export function checkLetNames(scope: StudyScope, r: Reporter): void {
  const ev = new Evaluator(scope, null, r, noNodes);
  for (const d of scope.defs.values()) {
    if (d.kind !== 'let' || d.where === 'import') continue;
    const walk = (e: Expr): void => {
      if (e.kind === 'name') {
        if (!scope.defs.has(e.name) && !RESERVED.has(e.name)) ev.unknownName(e);
      } else if (e.kind === 'call') e.args.forEach((a) => walk(a.value));
      else if (e.kind === 'list') e.items.forEach(walk);
      else if (e.kind === 'binary') [e.left, e.right].forEach(walk);
      else if (e.kind === 'unary') walk(e.operand);
      else if (e.kind === 'range') [e.from, e.to].forEach(walk);
      else if (e.kind === 'paren') walk(e.inner);
    };
    walk(d.node.value);
  }
}

// Data declarations are materialized at compile time: the stdlib generators run here and the IR
// holds the points and normalized weights.
import type { Call, Decl, Expr } from '../ast.js';
import { SEM } from '../codes/semantic.js';
import { isReadFailure, resolveFrom } from '../host.js';
import { isMissing, readCode, readHint } from '../checks/read-failure.js';
import type { IrData } from '../ir/types.js';
import * as gen from '../../stdlib/data.js';
import { parseCsvFlat, parseNpy } from '../../stdlib/files.js';
import { packedOf, pointCount, withPackedPoints, withPointsOf } from '../ir/packed-points.js';
import type { BuiltinSpec } from '../../stdlib/signatures.js';
import type { LowerContext } from './context.js';

export type DataValue = Pick<IrData, 'dim' | 'points' | 'weights'>;

/** Data is materialized into the IR of every cell; beyond this a study file is surely a mistake. */
export const MAX_POINTS = 1_000_000;

export function lowerData(
  cx: LowerContext,
  decl: Decl | undefined,
  inline?: { call: Call; spec: BuiltinSpec },
): IrData | undefined {
  const name = decl?.name.name ?? '';
  if (decl) {
    const inner = decl.value.kind === 'paren' ? decl.value.inner : decl.value;
    if (inner.kind === 'name') {
      const src = cx.ev.ref(inner, 'data', undefined, '') as IrData | undefined;
      return src && withPointsOf<IrData>({ kind: 'data', name, dim: src.dim, points: [], weights: src.weights }, src);
    }
  }
  const c = inline ?? (decl && cx.builtinCall(decl.value, 'data'));
  if (!c) return undefined;
  const { v, ok, bound } = cx.evaluate(c.call, c.spec);
  if (!ok) return undefined;
  const set = build(cx, c.call, c.spec, v, (p) => bound.args.get(p) as Expr | Expr[]);
  if (!set) return undefined;
  if (pointCount(set) === 0) {
    cx.r.report(SEM.outOfRange, 'the data set has no points', c.call);
    return undefined;
  }
  const total = set.weights.reduce((a, b) => a + b, 0);
  if (!(total > 0) || set.weights.some((w) => w < 0)) {
    cx.r.report(SEM.outOfRange, 'weights must be >= 0 and not all 0', (bound.args.get('weights') as Expr) ?? c.call);
    return undefined;
  }
  const dim = packedOf(set)?.dim ?? set.points[0].length;
  return withPointsOf<IrData>({ kind: 'data', name, dim, points: [], weights: gen.normalize(set.weights) }, set);
}

function build(
  cx: LowerContext,
  call: Call,
  spec: BuiltinSpec,
  v: Record<string, any>,
  arg: (name: string) => Expr | Expr[] | undefined,
): gen.PointSet | undefined {
  const r = cx.r;
  const at = (name: string) => (arg(name) as Expr | undefined) ?? call;
  const dimOf = (d: DataValue) => d.points[0]?.length ?? 0;
  const needLength = (name: string, p: number[], dim: number, what: string) => {
    if (p.length === dim) return true;
    r.report(
      SEM.dimensionMismatch,
      `\`${name}\` has ${p.length} coordinate${p.length === 1 ? '' : 's'}, but ${what} is ${dim}D`,
      at(name),
    );
    return false;
  };
  const generated =
    spec.name === 'grid'
      ? (v.n as number) ** (v.dim as number)
      : ['polygon', 'ring', 'line', 'mixture'].includes(spec.name)
        ? (v.n as number)
        : 0;
  if (generated > MAX_POINTS) {
    r.report(SEM.outOfRange, `this would generate ${generated} points; data sets hold at most ${MAX_POINTS}`, at('n'));
    return undefined;
  }
  switch (spec.name) {
    case 'points': {
      const pts = v.points as number[][];
      const nodes = arg('points') as Expr[];
      const bad = pts.findIndex((p) => p.length !== pts[0].length);
      if (bad >= 0) {
        r.report(
          SEM.dimensionMismatch,
          `this point has ${pts[bad].length} coordinate${pts[bad].length === 1 ? '' : 's'}, the first has ${pts[0].length}`,
          nodes[bad],
          'all points of a data set have the same dimension',
        );
        return undefined;
      }
      const w = v.weights as number[] | null;
      if (w && w.length !== pts.length) {
        r.report(
          SEM.lengthMismatch,
          `${w.length} weights for ${pts.length} points`,
          at('weights'),
          'give one weight per point',
        );
        return undefined;
      }
      return gen.points(pts, w ?? undefined);
    }
    case 'polygon':
      return gen.polygon(v.n, v.radius, v.angle);
    case 'ring': {
      const center = (v.center as number[] | undefined) ?? [0, 0];
      if (!needLength('center', center, 2, 'a ring')) return undefined;
      return gen.ring(v.n, v.radius, center);
    }
    case 'line':
      if (!needLength('to', v.to, v.from.length, '`from`')) return undefined;
      return gen.line(v.from, v.to, v.n);
    case 'grid':
      if (!(v.lo < v.hi)) {
        r.report(SEM.emptyInterval, `the grid is empty: lo = ${v.lo} must be < hi = ${v.hi}`, call);
        return undefined;
      }
      return gen.grid(v.lo, v.hi, v.n, v.dim);
    case 'mixture': {
      const means = v.means as number[][];
      if (means.length === 0 || means.some((m) => m.length !== means[0].length))
        return gen.mixture(means, v.std, v.n, v.seed);
      // Packed, as CSV data: a mixture is the other way to a million points.
      const p = { values: gen.mixtureValues(means, v.std, v.n, v.seed), dim: means[0].length, count: v.n as number };
      return withPackedPoints({ points: [], weights: gen.ones(p.count) }, p);
    }
    case 'csv':
    case 'npy':
      return readFile(cx, spec.name, v.path, at('path'));
    case 'rotate': {
      const d = v.d as DataValue;
      if (dimOf(d) !== 2) {
        r.report(SEM.fixedDimension, `\`rotate\` needs 2D data, this data set is ${dimOf(d)}D`, at('d'));
        return undefined;
      }
      const center = (v.center as number[] | undefined) ?? [0, 0];
      if (!needLength('center', center, 2, 'the data')) return undefined;
      return gen.rotate(d, v.angle, center);
    }
    case 'scale':
      return gen.scale(v.d, v.factor);
    case 'shift':
      if (!needLength('by', v.by, dimOf(v.d), 'the data')) return undefined;
      return gen.shift(v.d, v.by);
    case 'duplicate':
      if (v.index >= v.d.points.length) {
        r.report(
          SEM.indexOutOfRange,
          `index ${v.index} is out of range: the data set has ${v.d.points.length} points (indices 0 to ${v.d.points.length - 1})`,
          at('index'),
        );
        return undefined;
      }
      return gen.duplicate(v.d, v.index, v.k);
    case 'outlier':
      if (!needLength('at', v.at, dimOf(v.d), 'the data')) return undefined;
      return gen.outlier(v.d, v.at, v.weight);
    case 'concat': {
      const sets = v.sets as DataValue[];
      const nodes = arg('sets') as Expr[];
      const bad = sets.findIndex((s) => dimOf(s) !== dimOf(sets[0]));
      if (bad >= 0) {
        r.report(
          SEM.dimensionMismatch,
          `this data set is ${dimOf(sets[bad])}D, the first is ${dimOf(sets[0])}D`,
          nodes[bad],
        );
        return undefined;
      }
      return gen.concat(sets);
    }
  }
  return undefined;
}

function readFile(cx: LowerContext, kind: 'csv' | 'npy', rel: string, at: Expr | Call): gen.PointSet | undefined {
  const path = resolveFrom(at.span.file, rel);
  let entry = cx.shared.fileCache.get(path);
  if (!entry) {
    const host = cx.shared.host;
    const content =
      kind === 'npy' ? host.readBinary?.(path) : host.readData ? host.readData(path) : host.readFile(path);
    if (content === undefined) entry = { failure: undefined };
    else if (isReadFailure(content)) entry = { failure: isMissing(content) ? undefined : content };
    else {
      // CSV points stay packed (packed-points.ts): files are where the millions of points come from.
      const parsed =
        typeof content === 'string' || kind === 'csv'
          ? parseCsvFlat(content, MAX_POINTS)
          : parseNpy(content, MAX_POINTS);
      if (!parsed.ok) entry = { error: parsed.error };
      else entry = 'points' in parsed ? { points: parsed.points } : withPackedPoints({ points: [] }, parsed);
    }
    cx.shared.fileCache.set(path, entry);
  }
  if ('points' in entry) {
    const p = packedOf(entry);
    return p ? withPackedPoints({ points: [], weights: gen.ones(p.count) }, p) : gen.points(entry.points);
  }
  if ('error' in entry) cx.r.report(SEM.badDataFile, `cannot read \`${path}\` as ${kind} data: ${entry.error}`, at);
  else if (entry.failure)
    cx.r.report(
      readCode(entry.failure, SEM.dataFileNotFound),
      `cannot read data file \`${path}\`: it ${entry.failure.message}`,
      at,
      readHint(entry.failure),
    );
  else
    cx.r.report(
      SEM.dataFileNotFound,
      `cannot read data file \`${path}\``,
      at,
      'paths are relative to the file that declares the data',
    );
  return undefined;
}

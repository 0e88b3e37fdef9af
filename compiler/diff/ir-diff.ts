// The difference between two compiled studies, in terms of the IR (so formatting, comments, the
// order of declarations and how a value was written do not count). Node seeds derive from the
// study seed and the cell id, so they are not compared: a changed `seed` is reported once.
// Nodes are compared cell by cell over the cells both studies share (by id, or by the values of
// the shared axes when axes were added or removed); a change that holds in every shared cell is reported once, otherwise with
// the cells it holds in.
import type { IrCell, IrData, IrDocument, IrNode, IrPlot } from '../ir/types.js';
import type { Change } from './changes.js';

export function diffStudies(a: IrDocument[], b: IrDocument[]): Change[] {
  const out: Change[] = [];
  const single = a.length === 1 && b.length === 1;
  for (const da of a) {
    const db = single ? b[0] : b.find((d) => d.study === da.study);
    if (!db) out.push({ subject: `study ${da.study}`, field: 'removed' });
    else out.push(...diffStudy(da, db));
  }
  if (!single)
    for (const db of b)
      if (!a.some((d) => d.study === db.study)) out.push({ subject: `study ${db.study}`, field: 'added' });
  return out;
}

function diffStudy(a: IrDocument, b: IrDocument): Change[] {
  const out: Change[] = [];
  if (a.study !== b.study) out.push({ subject: 'study', field: 'name', from: a.study, to: b.study });
  if (a.seed !== b.seed) out.push({ subject: 'seed', field: 'value', from: a.seed, to: b.seed });
  out.push(...diffAxes(a, b), ...diffCells(a, b), ...diffPlots(a.plots, b.plots));
  return out;
}

function diffAxes(a: IrDocument, b: IrDocument): Change[] {
  const out: Change[] = [];
  for (const ax of a.axes) {
    const bx = b.axes.find((x) => x.name === ax.name);
    if (!bx) {
      out.push({ subject: `sweep ${ax.name}`, field: 'removed axis', from: ax.values });
      continue;
    }
    for (const v of bx.values)
      if (!ax.values.includes(v)) out.push({ subject: `sweep ${ax.name}`, field: 'added', to: v });
    for (const v of ax.values)
      if (!bx.values.includes(v)) out.push({ subject: `sweep ${ax.name}`, field: 'removed', from: v });
    const common = (xs: number[], ys: number[]) => xs.filter((v) => ys.includes(v));
    const [oa, ob] = [common(ax.values, bx.values), common(bx.values, ax.values)];
    if (oa.join() !== ob.join()) out.push({ subject: `sweep ${ax.name}`, field: 'order', from: oa, to: ob });
  }
  for (const bx of b.axes)
    if (!a.axes.some((x) => x.name === bx.name))
      out.push({ subject: `sweep ${bx.name}`, field: 'added axis', to: bx.values });
  return out;
}

function diffCells(a: IrDocument, b: IrDocument): Change[] {
  const pairs = pairCells(a, b);
  // change line key -> the change and the cells it holds in
  const seen = new Map<string, { change: Change; cells: string[] }>();
  for (const [ca, cb] of pairs) {
    const label = ca.id === cb.id ? ca.id : `${ca.id} / ${cb.id}`;
    for (const c of diffNodes(ca.nodes, cb.nodes)) {
      const key = JSON.stringify([c.subject, c.field, c.from, c.to]);
      const entry = seen.get(key) ?? { change: c, cells: [] };
      entry.cells.push(label);
      seen.set(key, entry);
    }
  }
  return [...seen.values()].map(({ change, cells }) => (cells.length === pairs.length ? change : { ...change, cells }));
}

/**
 * Each cell of A with the cell of B of the same id; when axes were added or removed, with the
 * B cell that agrees on the shared axes and differs least (the new axis's old value).
 */
function pairCells(a: IrDocument, b: IrDocument): [IrCell, IrCell][] {
  const shared = a.axes.map((x) => x.name).filter((n) => b.axes.some((y) => y.name === n));
  return a.cells.flatMap((ca): [IrCell, IrCell][] => {
    const same = b.cells.find((c) => c.id === ca.id);
    if (same) return [[ca, same]];
    const candidates = b.cells.filter((cb) => shared.every((n) => cb.values[n] === ca.values[n]));
    let best: IrCell | undefined;
    let fewest = Infinity;
    for (const cb of candidates) {
      const n = diffNodes(ca.nodes, cb.nodes).length;
      if (n < fewest) [best, fewest] = [cb, n];
    }
    return best ? [[ca, best]] : [];
  });
}

function diffNodes(a: IrNode[], b: IrNode[]): Change[] {
  const out: Change[] = [];
  for (const na of a) {
    const nb = b.find((n) => n.name === na.name);
    const subject = `${na.kind} ${na.name}`;
    if (!nb) out.push({ subject, field: 'removed' });
    else if (nb.kind !== na.kind) out.push({ subject: na.name, field: 'kind', from: na.kind, to: nb.kind });
    else if (na.kind === 'data') for (const c of diffData(na, nb as IrData)) out.push(c);
    else out.push(...diffValues(subject, na, nb));
  }
  for (const nb of b)
    if (!a.some((n) => n.name === nb.name))
      out.push({ subject: `${nb.kind} ${nb.name}`, field: 'added', to: describe(nb) });
  return out;
}

/** The built-in a node came from, e.g. `linear` or `pf_ode`, for "added" lines. */
function describe(n: IrNode): string | undefined {
  const r = n as unknown as Record<string, unknown>;
  for (const k of ['process', 'type', 'method', 'quantity', 'metric'])
    if (typeof r[k] === 'string') return r[k] as string;
  return undefined;
}

function diffData(a: IrData, b: IrData): Change[] {
  const subject = `data ${a.name}`;
  const out: Change[] = [];
  if (a.dim !== b.dim) return [{ subject, field: 'dim', from: a.dim, to: b.dim }];
  const keys = (d: IrData) => d.points.map((p) => JSON.stringify(p));
  const [ka, kb] = [keys(a), keys(b)];
  const [sa, sb] = [new Set(ka), new Set(kb)];
  for (const p of b.points)
    if (!sa.has(JSON.stringify(p))) out.push({ subject, field: 'added point', from: undefined, to: p });
  for (const p of a.points)
    if (!sb.has(JSON.stringify(p))) out.push({ subject, field: 'removed point', from: p, to: undefined });
  if (out.length === 0 && JSON.stringify(a.weights) !== JSON.stringify(b.weights))
    out.push({ subject, field: 'weights', from: a.weights, to: b.weights });
  if (out.length === 0 && ka.join() !== kb.join())
    out.push({ subject, field: 'point order', from: a.points.length, to: b.points.length });
  return out;
}

/** Every leaf that differs, by dotted path; arrays of numbers count as one leaf. */
function diffValues(subject: string, a: unknown, b: unknown, path = ''): Change[] {
  if (path.endsWith('seed') || path === 'name') return [];
  const leaf = (v: unknown) =>
    v === null ||
    typeof v !== 'object' ||
    (Array.isArray(v) && v.every((x) => typeof x !== 'object' || Array.isArray(x)));
  if (leaf(a) || leaf(b))
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ subject, field: path || 'value', from: a, to: b }];
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  const sep = (k: string) => (Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
  return keys.flatMap((k) => diffValues(subject, ra[k], rb[k], sep(k)));
}

function diffPlots(a: IrPlot[], b: IrPlot[]): Change[] {
  const out: Change[] = [];
  for (const pa of a) {
    const pb = b.find((p) => p.name === pa.name);
    if (!pb) out.push({ subject: `plot ${pa.name}`, field: 'removed' });
    else out.push(...diffValues(`plot ${pa.name}`, pa, pb));
  }
  for (const pb of b)
    if (!a.some((p) => p.name === pb.name)) out.push({ subject: `plot ${pb.name}`, field: 'added', to: pb.type });
  return out;
}

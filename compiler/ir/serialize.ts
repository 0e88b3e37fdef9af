// Deterministic IR text: fixed key order (a fixed rank per key name, then any other key
// alphabetically), cell values in axis order, numbers in their shortest round-trip form, 2-space
// indentation, arrays of plain numbers or strings on one line, and a final newline.
import type { IrDocument } from './types.js';

const TOP_ORDER = ['ir_version', 'study', 'source', 'seed', 'axes', 'cells', 'plots'];
// One order for every other object; it reads well for each IR shape (cells: id, index, values,
// seed, nodes; nodes: kind, name, kind-specific fields, seed).
const KEY_ORDER = [
  'id',
  'index',
  'kind',
  'name',
  'values',
  'type',
  'process',
  'quantity',
  'metric',
  'method',
  'op',
  'basis',
  'data',
  'forward',
  'features',
  'model',
  'of',
  'against',
  'dim',
  'points',
  'weights',
  'T',
  'beta_min',
  'beta_d',
  'sigma_min',
  'sigma_max',
  'alpha',
  'sigma2',
  'diffusion',
  'diffusion_time',
  'count',
  'tree',
  'factors',
  'parts',
  'axes',
  'lo',
  'hi',
  'n',
  'over',
  'width',
  'kappa',
  'samples',
  'ridge',
  'parametrization',
  'depth',
  'tau',
  'lr',
  'design',
  't_range',
  'draws',
  'grid',
  'steps',
  't_min',
  'spacing',
  'rho',
  'solver',
  'form',
  'members',
  'variant',
  'compat_grid_lookup',
  'bins',
  'range',
  'x',
  't',
  'ref',
  'mc_samples',
  'radius',
  'histogram',
  'inputs',
  'by',
  'file',
  'args',
  'value',
  'seed',
  'nodes',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

const TOP_RANK = new Map(TOP_ORDER.map((k, i) => [k, i]));

function orderKeys(keys: string[], top = false): string[] {
  const rank = top ? TOP_RANK : RANK;
  return [...keys].sort((a, b) => (rank.get(a) ?? 1e9) - (rank.get(b) ?? 1e9) || (a < b ? -1 : a > b ? 1 : 0));
}

function num(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`IR holds a non-finite number (${v})`);
  return Object.is(v, -0) ? '0' : JSON.stringify(v);
}

/** `keepOrder`: the object is a cell's `values`, keyed by user-chosen axis names in axis order. */
function write(v: unknown, indent: string, keepOrder = false): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every((x) => typeof x === 'number' || typeof x === 'string'))
      return `[${v.map((x) => write(x, inner)).join(', ')}]`;
    return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
  }
  const obj = v as Record<string, unknown>;
  const keys = (keepOrder ? Object.keys(obj) : orderKeys(Object.keys(obj), 'ir_version' in obj)).filter(
    (k) => obj[k] !== undefined,
  );
  if (keys.length === 0) return '{}';
  const fields = keys.map((k) => {
    const child = obj[k];
    const userKeyed = k === 'values' && child !== null && typeof child === 'object' && !Array.isArray(child);
    return `${inner}${JSON.stringify(k)}: ${write(child, inner, userKeyed)}`;
  });
  return `{\n${fields.join(',\n')}\n${indent}}`;
}

export function serializeIr(doc: IrDocument): string {
  const axisOrder = doc.axes.map((a) => a.name);
  const cells = doc.cells.map((c) => {
    const values: Record<string, number> = {};
    for (const name of axisOrder) if (name in c.values) values[name] = c.values[name];
    for (const name of Object.keys(c.values).sort()) if (!(name in values)) values[name] = c.values[name];
    return { ...c, values };
  });
  return write({ ...doc, cells }, '') + '\n';
}

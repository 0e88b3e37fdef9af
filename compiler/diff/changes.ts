// One difference between two studies, as `gtv diff` prints it: "model lin: ridge 0.1 -> 0.01".
export interface Change {
  /** What changed: `seed`, `sweep P`, `model lin`, `plot fig`, `study s`. */
  subject: string;
  /** The parameter path inside it (`ridge`, `grid.t_min`), or what happened (`added`, `removed`). */
  field: string;
  from?: unknown;
  to?: unknown;
  /** The cells it holds in, when it does not hold in every cell both studies share. */
  cells?: string[];
}

export function formatValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v === null || v === undefined) return 'none';
  return JSON.stringify(v);
}

/** At most this many cells are named per change. */
const CELLS_SHOWN = 3;

export function changeLine(c: Change): string {
  let body: string;
  if (/^(added|removed)/.test(c.field)) {
    const v = c.to ?? c.from;
    body = v === undefined ? c.field : `${c.field} ${formatValue(v)}`;
  } else body = `${c.field === 'value' ? '' : `${c.field} `}${formatValue(c.from)} -> ${formatValue(c.to)}`;
  if (c.cells) {
    const shown = c.cells.slice(0, CELLS_SHOWN).join('; ');
    const more = c.cells.length > CELLS_SHOWN ? ` and ${c.cells.length - CELLS_SHOWN} more` : '';
    body += ` (in cell${c.cells.length === 1 ? '' : 's'} ${shown}${more})`;
  }
  return `${c.subject}: ${body}`;
}

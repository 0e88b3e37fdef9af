// Wraps a layered panel spec in a row/column facet (either may be absent) with headers such as
// `eps = 0.001` in axis-value order. Every data row carries `row` and `col` fields.
import type { VlSpec } from './render.js';

export function facetted(opts: {
  title: string;
  rows: string[];
  cols: string[];
  data: Record<string, unknown>[];
  layer: unknown[];
  width: number;
  height: number;
  resolve?: unknown;
}): VlSpec {
  const header = { title: null, labelAngle: 0, labelOrient: 'top' as const };
  const facet: Record<string, unknown> = {};
  if (opts.rows.length > 1 || (opts.rows.length === 1 && opts.rows[0] !== '')) {
    // Vertical row labels: vega's headless text-width estimate makes horizontal ones reserve
    // far too much room.
    facet.row = {
      field: 'row',
      type: 'nominal',
      sort: opts.rows,
      header: { ...header, labelOrient: 'left', labelAngle: -90 },
    };
  }
  if (opts.cols.length > 1 || (opts.cols.length === 1 && opts.cols[0] !== '')) {
    facet.column = { field: 'col', type: 'nominal', sort: opts.cols, header };
  }
  const inner = { width: opts.width, height: opts.height, layer: opts.layer };
  if (Object.keys(facet).length === 0) {
    return { title: opts.title, data: { values: opts.data }, ...inner } as unknown as VlSpec;
  }
  return {
    title: opts.title,
    data: { values: opts.data },
    facet,
    spec: inner,
    ...(opts.resolve ? { resolve: opts.resolve } : {}),
  } as unknown as VlSpec;
}

// A grid of 2D heatmap panels (maps, 2D sample densities) sharing one labelled colour scale,
// each panel an embedded raster (see raster.ts) with the training points drawn on top in red.
import { facetOrder, type PanelKey } from './panels.js';
import { heatmapDataUri, type ColorScale } from './raster.js';
import { facetted } from './facet.js';
import type { VlSpec } from './render.js';

export interface HeatPanel {
  key: PanelKey;
  /** [nx][ny] values, x slowest. */
  values: ArrayLike<number>;
  nx: number;
  ny: number;
  /** Extent the image covers on each axis. */
  x: [number, number];
  y: [number, number];
  points: number[][];
}

/** Finite min and max over all panels; a field with both signs gets a symmetric diverging scale. */
export function colorScaleFor(
  panels: { values: ArrayLike<number> }[],
  scheme: string,
  lowerBound?: number,
): ColorScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of panels) {
    for (let i = 0; i < p.values.length; i++) {
      const v = p.values[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) return { scheme, reverse: false, domain: [0, 1] };
  if (lowerBound !== undefined) lo = Math.min(lowerBound, lo);
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    // Red for positive, blue for negative (matplotlib's RdBu_r), white at zero.
    return { scheme: 'redblue', reverse: true, domain: [-m, m] };
  }
  if (hi === lo) hi = lo + 1;
  return { scheme, reverse: false, domain: [lo, hi] };
}

/** The powers of ten inside [lo, hi], for the ticks of a log colour bar. */
export function decades([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++)
    out.push(Number(`1e${e}`));
  return out;
}

/** Raster resolution: small grids are blown up so viewers show crisp cells, not a blur. */
function zoomFor(n: number): number {
  return Math.max(1, Math.min(8, Math.floor(240 / n)));
}

export function heatmapGridSpec(opts: {
  title: string;
  panels: HeatPanel[];
  scale: ColorScale;
  /** One line, or several. */
  colorTitle: string | string[];
  xTitle: string;
  yTitle: string;
}): VlSpec {
  const { rows, cols } = facetOrder(opts.panels.map((p) => p.key));
  const data: Record<string, unknown>[] = [];
  for (const p of opts.panels) {
    const url = heatmapDataUri(p.values, p.nx, p.ny, opts.scale, zoomFor(Math.max(p.nx, p.ny)));
    data.push({ kind: 'img', row: p.key.row, col: p.key.col, url, x: p.x[0], x2: p.x[1], y: p.y[0], y2: p.y[1] });
    for (const pt of p.points) data.push({ kind: 'pt', row: p.key.row, col: p.key.col, px: pt[0], py: pt[1] ?? 0 });
  }
  // Two invisible marks carrying the domain ends make vega draw the colour legend of the rasters.
  const first = opts.panels[0]?.key ?? { row: '', col: '' };
  for (const v of opts.scale.domain) data.push({ kind: 'legend', row: first.row, col: first.col, v });
  const xs = opts.panels.flatMap((p) => p.x);
  const ys = opts.panels.flatMap((p) => p.y);
  const xDomain = [Math.min(...xs), Math.max(...xs)];
  const yDomain = [Math.min(...ys), Math.max(...ys)];
  const aspect = (yDomain[1] - yDomain[0]) / (xDomain[1] - xDomain[0] || 1);
  // About 150 px on the short side; wide or tall domains get up to 240 px on the long side, and
  // never less than 100 px on the short one (room for the row labels), even if that stretches.
  const width = Math.round(Math.max(100, Math.min(240, aspect < 1 ? 150 / aspect : 150 / Math.min(aspect, 2))));
  const height = Math.round(Math.max(100, Math.min(240, width * aspect)));
  const xEnc = { type: 'quantitative', scale: { domain: xDomain, nice: false, zero: false }, title: opts.xTitle };
  const yEnc = { type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false }, title: opts.yTitle };
  const layer = [
    {
      transform: [{ filter: "datum.kind == 'img'" }],
      mark: { type: 'image', aspect: false },
      encoding: {
        url: { field: 'url', type: 'nominal' },
        x: { field: 'x', ...xEnc },
        x2: { field: 'x2' },
        y: { field: 'y', ...yEnc },
        y2: { field: 'y2' },
      },
    },
    {
      transform: [{ filter: "datum.kind == 'pt'" }],
      // Hollow rings: samples that sit on a training point (memorization) stay visible.
      mark: { type: 'point', filled: false, stroke: '#e41a1c', strokeWidth: 1.5, size: 40, opacity: 1 },
      encoding: { x: { field: 'px', ...xEnc }, y: { field: 'py', ...yEnc } },
    },
    {
      transform: [{ filter: "datum.kind == 'legend'" }],
      mark: { type: 'point', opacity: 0 },
      encoding: {
        x: { datum: xDomain[0], type: 'quantitative' },
        y: { datum: yDomain[0], type: 'quantitative' },
        color: {
          field: 'v',
          type: 'quantitative',
          title: opts.colorTitle,
          scale: {
            type: opts.scale.type ?? 'linear',
            scheme: opts.scale.scheme,
            reverse: opts.scale.reverse,
            domain: opts.scale.domain,
            nice: false,
            // vega-lite warns that a log scale cannot start at zero, and it never does.
            ...(opts.scale.type === 'log' ? {} : { zero: false }),
          },
          legend: {
            gradientLength: Math.max(100, height),
            ...(opts.scale.type === 'log' ? { values: decades(opts.scale.domain), format: '~g' } : {}),
          },
        },
      },
    },
  ];
  return facetted({ title: opts.title, rows, cols, data, layer, width, height });
}

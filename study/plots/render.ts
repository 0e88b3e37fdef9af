// Vega-Lite spec -> SVG with vega's headless View (no browser, no canvas), SVG -> PNG with resvg.
// Text is set in DejaVu Sans, which Debian ships and resvg finds among the system fonts; the
// generic fallbacks keep the SVG readable where it is missing. vega lays text out by DejaVu
// Sans's widths (text-width.ts), not by its 0.8 em per character guess.
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { vegaTextWidth } from './text-width.js';

// vega exports textMetrics without declaring it in its types; a custom `width` is the hook
// vega-scenegraph keeps for measuring text without a canvas (vl-convert uses it too).
(vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width = vegaTextWidth;

export type VlSpec = vl.TopLevelSpec;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export const BASE_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  axis: { labelFontSize: 10, titleFontSize: 11, grid: false },
  header: { labelFontSize: 11, titleFontSize: 12, labelFont: FONT, titleFont: FONT },
  legend: { labelFontSize: 10, titleFontSize: 11, titleLimit: 400, labelLimit: 400 },
  title: { fontSize: 13, anchor: 'start' as const },
  view: { stroke: '#888' },
};

/** The spec as written to `<plot>.vl.json`: gtv's styling in its `config`, the schema it follows named. */
export function standaloneSpec(spec: VlSpec): VlSpec {
  const { $schema: _, ...rest } = spec as VlSpec & { $schema?: string };
  return { $schema: VL_SCHEMA, ...rest, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as VlSpec;
}

export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export async function vegaLiteToSvg(spec: VlSpec): Promise<string> {
  const compiled = vl.compile(standaloneSpec(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * PNG at `zoom` times the SVG's pixel size (2 gives crisp text on high-density screens), rendered
 * on libuv's thread pool, so that the PDF of the same figure is written on the main thread meanwhile.
 */
export async function svgToPng(svg: string, zoom = 2): Promise<Buffer> {
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

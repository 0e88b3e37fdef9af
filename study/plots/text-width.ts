// Text widths for vega's layout. Headless vega (no canvas) guesses 0.8 em per character, about a
// third wider than DejaVu Sans, the font the SVG names and the PNG and PDF are set in, so titles
// and legends reserved a wide empty strip on the right. These are DejaVu Sans's own advance
// widths (1/1000 em, kerning ignored; generated from DejaVuSans.ttf and DejaVuSans-Bold.ttf with
// pdfkit's widthOfString), so layouts come out the same on every machine whatever fonts it has.

/** Advances of the printable ASCII characters 32..126. */
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
  748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
  615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
  337, 636, 838,
];
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995,
  837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716,
  678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712,
  365, 712, 838,
];
/** A few non-ASCII characters the plots use (superscript two, minus, times, plus-minus, ...). */
const OTHER: Record<string, [number, number]> = {
  '²': [401, 438],
  '−': [838, 838],
  '×': [838, 838],
  '±': [838, 838],
  μ: [636, 736],
  '·': [318, 380],
  τ: [602, 638],
  ε: [541, 557],
  κ: [589, 710],
  σ: [634, 779],
  '’': [318, 380],
  '–': [500, 500],
  '…': [1000, 1000],
};
/** Anything else: the width of a digit, a typical glyph. */
const FALLBACK: [number, number] = [636, 696];

export function isBold(weight: unknown): boolean {
  return (
    weight === 'bold' ||
    weight === 'bolder' ||
    (typeof weight === 'number' && weight >= 600) ||
    (typeof weight === 'string' && Number(weight) >= 600)
  );
}

/** Width in px of one line of `text` at `size` px. */
export function dejaVuWidth(text: string, size: number, bold: boolean): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 32 && c < 127) em += table[c - 32];
    else em += (OTHER[ch] ?? FALLBACK)[bold ? 1 : 0];
  }
  return (em / 1000) * size;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: unknown;
  limit?: number;
}

/** vega's `textMetrics.width(item, text)`: a line's width, capped at the item's `limit` (vega truncates longer text to it). */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const line = text === null || text === undefined ? '' : String(text).trim();
  const size = item.fontSize !== null && item.fontSize !== undefined ? Number(item.fontSize) || 0 : 11;
  const w = dejaVuWidth(line, size, isBold(item.fontWeight));
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}

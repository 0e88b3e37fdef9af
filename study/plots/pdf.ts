// SVG -> PDF, vector: svg-to-pdfkit walks the SVG that vega rendered and draws its paths and text
// with pdfkit (pure JavaScript, no external program). Text stays text, set in DejaVu Sans (embedded,
// subset) when the system has it, else in the PDF base font Helvetica; heatmap panels stay the
// embedded rasters they are in the SVG. 1 SVG px is 0.75 pt, as when a browser prints it.
import * as fs from 'node:fs';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';

export const PT_PER_PX = 0.75;

const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/dejavu',
  '/usr/local/share/fonts',
  '/Library/Fonts',
];

let found: { regular: string; bold: string } | null | undefined;

/** DejaVuSans.ttf and DejaVuSans-Bold.ttf from the usual font folders, or null. */
export function dejaVuFiles(): { regular: string; bold: string } | null {
  if (found !== undefined) return found;
  found = null;
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (fs.existsSync(regular) && fs.existsSync(bold)) {
      found = { regular, bold };
      break;
    }
  }
  return found;
}

/** The SVG's pixel size from its width and height attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new Error('the SVG has no width and height');
  return { width, height };
}

function creationDate(): Date {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return new Date(Number.isFinite(epoch) && epoch >= 0 ? epoch * 1000 : 0);
}

/** `fonts` defaults to DejaVu Sans where the system has it (null: the PDF base fonts). */
export async function svgToPdf(
  svg: string,
  fonts: { regular: string; bold: string } | null = dejaVuFiles(),
): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  const size: [number, number] = [width * PT_PER_PX, height * PT_PER_PX];
  // A fixed creation date (SOURCE_DATE_EPOCH, the reproducible-builds convention, else 1970-01-01;
  // pdfkit also derives the document id from it) makes the same plot give the same bytes.
  const doc = new PDFDocument({
    size,
    margin: 0,
    compress: true,
    pdfVersion: '1.4',
    info: { CreationDate: creationDate() },
  });
  if (fonts) {
    doc.registerFont('gtv-regular', fonts.regular);
    doc.registerFont('gtv-bold', fonts.bold);
  }
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const warnings: string[] = [];
  SVGtoPDF(doc, svg, 0, 0, {
    width: size[0],
    height: size[1],
    fontCallback: (_family: string, bold: boolean) =>
      fonts ? (bold ? 'gtv-bold' : 'gtv-regular') : bold ? 'Helvetica-Bold' : 'Helvetica',
    warningCallback: (w: string) => warnings.push(w),
  });
  doc.end();
  const pdf = await done;
  if (warnings.length > 0) throw new Error(`SVG to PDF: ${warnings.join('; ')}`);
  return pdf;
}

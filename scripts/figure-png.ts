// Re-renders a run's plot SVG as a PNG of a given width, for docs/figures (README "Reproduced
// figures"): `npx tsx scripts/figure-png.ts RUN/fig3.svg docs/figures/fig3-rotated-square.png 1300`.
// Same renderer and fonts as the run's own PNG (study/plots/render.ts), at another size.
import * as fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

const [svgPath, pngPath, width] = process.argv.slice(2);
if (!svgPath || !pngPath || !(Number(width) > 0)) {
  console.error('usage: npx tsx scripts/figure-png.ts IN.svg OUT.png WIDTH_PX');
  process.exit(2);
}
const png = new Resvg(fs.readFileSync(svgPath, 'utf8'), {
  fitTo: { mode: 'width', value: Number(width) },
  background: 'white',
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
})
  .render()
  .asPng();
fs.writeFileSync(pngPath, png);
console.log(`${pngPath}: ${png.length} bytes`);

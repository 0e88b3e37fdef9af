import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createReporter } from '../../study/progress.js';
import { runStudy } from '../../study/run.js';
import { FakeExecutor, fakeDeps, gapStudy, mapStudy } from './fixtures.js';

// Debian's chromium (installed by .ci/run); flags keep it from reaching the network or a GPU.
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('study/report (report.html in headless chromium)', function () {
  this.timeout(90000);
  let tmp: string;
  let browser: Browser;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gtv-report-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const make of [gapStudy, mapStudy]) {
    it(`renders every image of the ${make().study} report with no console errors and no network`, async () => {
      const doc = make();
      const file = path.join(tmp, `${doc.study}.gtv`);
      const source = `# ${doc.study}: a <hand-made> study & its "source"\nstudy ${doc.study} {}\n`;
      fs.writeFileSync(file, source);
      const outcome = await runStudy(
        {
          file,
          out: path.join(tmp, doc.study),
          cacheDir: path.join(tmp, 'cache'),
          reporter: createReporter({ quiet: true }),
        },
        fakeDeps(doc, new FakeExecutor()),
      );
      expect(outcome.status).to.equal('complete');
      const report = path.join(tmp, doc.study, 'report.html');

      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      const external: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        external.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (imgs) =>
        imgs.map((i) => ({
          alt: i.alt,
          complete: i.complete,
          w: i.naturalWidth,
          h: i.naturalHeight,
          shown: i.getBoundingClientRect().width,
        })),
      );
      expect(images.map((i) => i.alt)).to.deep.equal(doc.plots.map((p) => p.name));
      for (const img of images) {
        expect(img.complete && img.w > 0 && img.h > 0 && img.shown > 0, JSON.stringify(img)).to.equal(true);
      }
      const text = await page.textContent('body');
      expect(text).to.contain(source.split('\n')[0]); // source shown verbatim (escaped, not parsed)
      expect(text).to.contain('Timings');
      for (const c of doc.cells) expect(text).to.contain(c.id);
      if (doc.study === 'gap') {
        expect(text).to.contain('Theory versus ensemble');
        expect(await page.locator('#metrics + .scroll table tbody tr').count()).to.equal(doc.cells.length);
      }
      // Nothing wider than a 1400 px window: wide tables wrap their headers or scroll in place.
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).to.be.at.most(1400);
      expect(errors).to.deep.equal([]);
      expect(external).to.deep.equal([]);
      await page.close();
    });
  }

  it('keeps a report with a 40-column metrics table inside a 1400 px window', async () => {
    // Many nodes with several scalars each, as a real study's table (naive-kappa-sweep has 20 columns).
    class WideExecutor extends FakeExecutor {
      override async executeCell(...args: Parameters<FakeExecutor['executeCell']>) {
        const r = await super.executeCell(...args);
        for (let k = 0; k < 12; k++) r.nodes.gap.scalars[`long_scalar_name_number_${k}`] = 0.123456789 * (k + 1);
        r.nodes.gap.labels = { se_over: 'members' };
        return r;
      }
    }
    const doc = gapStudy();
    const file = path.join(tmp, 'wide.gtv');
    fs.writeFileSync(file, 'study gap {}\n');
    const outcome = await runStudy(
      {
        file,
        out: path.join(tmp, 'wide'),
        cacheDir: path.join(tmp, 'cache-wide'),
        reporter: createReporter({ quiet: true }),
      },
      fakeDeps(doc, new WideExecutor()),
    );
    expect(outcome.status).to.equal('complete');
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(path.join(tmp, 'wide', 'report.html')).href, { waitUntil: 'load' });
    const columns = await page.locator('#metrics ~ .scroll table.num thead th').count();
    expect(columns).to.be.greaterThan(20);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).to.be.at.most(1400);
    // The table itself is readable in place: its box scrolls, the page does not.
    const box = await page
      .locator('#metrics ~ .scroll')
      .first()
      .evaluate((e) => ({ client: e.clientWidth, scroll: e.scrollWidth, overflow: getComputedStyle(e).overflowX }));
    expect(box.client).to.be.at.most(1400);
    expect(box.overflow).to.equal('auto');
    await page.close();
  });
});

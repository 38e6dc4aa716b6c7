import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTLOGS, fixture, hasShared, ROOT, runCli } from '../helpers.js';

/**
 * The HTML reports in a real browser: Debian's Chromium (never a downloaded one), each page loaded
 * from file:// as a user opens an attachment. For each: no console error (a CSP violation is one),
 * no request but the page itself, the verdict visible, every bar's segments as wide as their bytes
 * say, and a hostile application name shown as text. Screenshots go to a temporary directory (the
 * path is printed); with SPARK_TRIAGE_SCREENSHOT=1 the YARN kill's is written to
 * test/browser/report.png, the README's picture.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium)`);

const SHOTS = mkdtempSync(path.join(tmpdir(), 'spark-triage-shots-'));
const README_SHOT = path.join(ROOT, 'test', 'browser', 'report.png');

/** The hostile name: markup, an attribute breakout, terminal escapes and a bidi override. */
const HOSTILE =
  'etl "><img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> \u001b[31mred\u001b]0;title\u0007 \u202eevil';

interface Loaded {
  page: Page;
  errors: string[];
  requests: string[];
}

describe.skipIf(!hasChromium)('HTML reports in Chromium', () => {
  let browser: Browser;
  const opened: Page[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    console.log(`screenshots: ${SHOTS}`);
  });

  /** Writes `html` to a file, opens it from file://, and records console errors and requests. */
  async function load(name: string, html: string): Promise<Loaded> {
    const file = path.join(SHOTS, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    opened.push(page);
    const errors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    return { page, errors, requests };
  }

  /** Each bar's segments: rendered width over bytes must be one constant, the same for every role. */
  async function expectBarsToScale(page: Page): Promise<number> {
    const segs = await page.$$eval('svg.memory rect.seg', (rects) =>
      rects.map((r) => ({
        bytes: Number(r.getAttribute('data-bytes')),
        width: r.getBoundingClientRect().width,
        region: r.getAttribute('data-region'),
      })),
    );
    expect(segs.length).toBeGreaterThan(1);
    const perByte = segs.map((s) => s.width / s.bytes);
    const ref = Math.max(...perByte);
    // Widths are in CSS pixels, rounded to 1/100 of a viewBox unit: a tenth of a pixel either way.
    for (const s of segs) expect(Math.abs(s.width - s.bytes * ref), `${s.region} ${s.bytes} bytes`).toBeLessThan(0.15);
    return segs.length;
  }

  async function expectClean(l: Loaded): Promise<void> {
    expect(l.errors).toEqual([]);
    expect(l.requests).toEqual([]);
    expect(await l.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
    expect(await l.page.locator('script').count()).toBe(0);
  }

  const diagnose = (...args: string[]): string => {
    const r = runCli(['diagnose', '--format', 'html', ...args]);
    expect(r.stderr).toBe('');
    return r.stdout;
  };

  it('a YARN kill: verdict, the kill on the bar and the timeline, bars to scale', async () => {
    const l = await load('yarn-kill', diagnose(fixture('real-spark', '3.5.6', 'yarn-pmem-cluster')));
    await expectClean(l);
    const verdict = l.page.locator('.verdict .text').first();
    await expect.poll(() => verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toContain('YARN killed a container');
    expect(await l.page.locator('.verdict code').first().textContent()).toBe('yarn-memory-exceeded');
    await expectBarsToScale(l.page);
    expect(await l.page.locator('svg.memory .killtext').first().textContent()).toMatch(/^killed at .* used, limit 896 MiB$/);
    expect(await l.page.locator('svg.timeline line.kill').count()).toBeGreaterThan(0);
    expect(await l.page.locator('.plan code.conf').textContent()).toContain('spark.executor.memoryOverhead=');
    if (process.env.SPARK_TRIAGE_SCREENSHOT === '1') {
      await l.page.setViewportSize({ width: 1100, height: 1240 });
      await l.page.screenshot({ path: README_SHOT });
    }
  });

  it("a driver's maxResultSize: the driver's bar holds the limit", async () => {
    const l = await load('max-result-size', diagnose(fixture('diagnose', 'max-result-size', 'spark35-MiB')));
    await expectClean(l);
    expect(await l.page.locator('.verdict code').first().textContent()).toBe('max-result-size');
    expect(await l.page.locator('.verdict .text').first().isVisible()).toBe(true);
    expect(await l.page.locator('svg.memory g.bar[data-role="driver"] rect.seg').count()).toBeGreaterThan(0);
    expect(await l.page.locator('svg.memory text', { hasText: 'maxResultSize' }).count()).toBe(1);
    await expectBarsToScale(l.page);
  });

  it('a healthy application: no memory failure, still its picture', async () => {
    const l = await load('healthy', diagnose(fixture('real-spark', '3.5.6', 'healthy')));
    await expectClean(l);
    expect(await l.page.locator('.verdict.ok .text').textContent()).toBe('no memory failure found');
    await expectBarsToScale(l.page);
    expect(await l.page.locator('svg.timeline rect.job').count()).toBeGreaterThan(0);
  });

  it('a zip of three attempts: three sections and an index linking each', async () => {
    const l = await load('zip-attempts', diagnose(fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip')));
    await expectClean(l);
    const ids = await l.page.$$eval('section.app', (s) => s.map((x) => x.id));
    expect(ids).toHaveLength(3);
    const links = await l.page.$$eval('nav.index a', (a) => a.map((x) => x.getAttribute('href')));
    expect(links).toEqual(ids.map((id) => `#${id}`));
    // The index is written last and shown first.
    const navTop = await l.page.locator('nav.index').evaluate((n) => n.getBoundingClientRect().top);
    const firstTop = await l.page
      .locator('section.app')
      .first()
      .evaluate((n) => n.getBoundingClientRect().top);
    expect(navTop).toBeLessThan(firstTop);
    for (const v of await l.page.locator('.verdict .text').all()) expect(await v.isVisible()).toBe(true);
  });

  it('a hostile application name renders as text, in the heading and the index', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-'));
    try {
      const src = readFileSync(fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark'), 'utf8');
      const lines = src.split('\n').map((line) => {
        if (!line.includes('"SparkListenerApplicationStart"')) return line;
        const ev = JSON.parse(line) as Record<string, unknown>;
        ev['App Name'] = HOSTILE;
        return JSON.stringify(ev);
      });
      expect(lines.join('\n')).toContain(JSON.stringify(HOSTILE).slice(1, -1));
      const a = path.join(dir, 'application_1_0001');
      const b = path.join(dir, 'application_1_0002');
      writeFileSync(a, lines.join('\n'));
      writeFileSync(b, lines.join('\n').replaceAll('application_1700000000000_0042', 'application_1700000000000_0043'));
      const l = await load('hostile', diagnose(a, b));
      await expectClean(l);
      expect(await l.page.locator('img').count()).toBe(0);
      const shown = await l.page.locator('.apphead .name').first().textContent();
      // Markup stays text; controls and the bidi override are shown, not obeyed.
      expect(shown).toContain('"><img src=x onerror="window.__pwned=1">');
      expect(shown).toContain('<script>window.__pwned=2</script>');
      expect(shown).toContain('\\x1b[31m');
      expect(shown).toContain('\\u{202e}evil');
      expect(shown).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(await l.page.locator('nav.index td', { hasText: '<script>' }).count()).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasShared)('a scan of the corpus: rows, counts and links that land on their rows', async () => {
    const r = runCli(['scan', '--format', 'html', EVENTLOGS]);
    expect(r.status).toBe(0);
    const l = await load('scan', r.stdout);
    await expectClean(l);
    const rows = await l.page.locator('details.row').count();
    expect(rows).toBeGreaterThan(100);
    expect(await l.page.locator('section.index h2').textContent()).toMatch(/^\d+ applications/);
    expect(await l.page.locator('svg[aria-label="failures per day"] rect.count.failed').count()).toBeGreaterThan(0);
    // Every link in the summaries names a row of the page.
    const targets = await l.page.$$eval('section.index a', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
    expect(targets.length).toBeGreaterThan(0);
    for (const id of targets) expect(await l.page.locator(`[id="${id}"]`).count()).toBe(1);
    // A failed row opens to its diagnosis, verdict visible and bars to scale.
    const failed = l.page.locator('details.row.failed:has(section.app)').first();
    await failed.locator(':scope > summary').click();
    expect(await failed.locator('.verdict .text').isVisible()).toBe(true);
    const summaryTop = await l.page.locator('section.index').evaluate((n) => n.getBoundingClientRect().top);
    const rowsTop = await l.page.locator('.rows').evaluate((n) => n.getBoundingClientRect().top);
    expect(summaryTop).toBeLessThan(rowsTop);
  });
});

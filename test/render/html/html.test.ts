import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { html } from '../../../src/render/html/escape.js';
import { csp } from '../../../src/render/html/page.js';
import { fixture, runCli } from '../../helpers.js';

/**
 * The HTML pages as text: one self-contained file (nothing loaded, no script), a policy that allows
 * only its own style sheet, and every string from an input escaped. test/browser/ loads the same
 * pages in Chromium.
 */

const kill = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
const healthy = fixture('diagnose', 'traps', 'maxresultsize-property');

/** What a self-contained page must not hold: a script, a resource fetched, a URL other than a fragment. */
function expectSelfContained(page: string): void {
  expect(page.startsWith('<!doctype html>\n')).toBe(true);
  expect(page.endsWith('</html>\n')).toBe(true);
  // Every tag is the renderer's: each attribute's value double-quoted (so input inside one cannot close
  // it), and no attribute or element that runs script or fetches anything.
  const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<>]*")?)*)\s*\/?>/g;
  const elements = new Set<string>();
  const attributes = new Set<string>();
  for (const m of page.matchAll(TAG)) {
    elements.add(m[2]!.toLowerCase());
    for (const a of m[3]!.matchAll(/\s+([\w:-]+)(?:="[^"]*")?/g)) attributes.add(a[1]!.toLowerCase());
    for (const h of m[3]!.matchAll(/\shref="([^"]*)"/g)) expect(h[1]).toMatch(/^#[\w-]+$/);
  }
  const style = /<style>[\s\S]*?<\/style>/;
  // Outside the renderer's tags (and its style sheet), no "<" is left: input cannot open a tag.
  expect(
    page
      .replace(style, '')
      .replace(/<!doctype html>/, '')
      .replace(TAG, ''),
  ).not.toContain('<');
  for (const bad of ['script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'foreignobject', 'use', 'image'])
    expect(elements.has(bad), bad).toBe(false);
  for (const a of attributes) expect(a, a).not.toMatch(/^(?:on\w+|src|srcset|action|formaction|xlink:href|style)$/);
  expect(page).not.toMatch(/@import|url\(|javascript:/i);
  // One style sheet, allowed by its hash, and a policy that allows nothing else.
  const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  expect(styles).toHaveLength(1);
  const hash = createHash('sha256').update(styles[0]![1]!).digest('base64');
  expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp()}">`);
  expect(csp()).toContain(`style-src 'sha256-${hash}'`);
  expect(csp()).toMatch(/^default-src 'none';/);
  expect(csp()).toContain("script-src 'none'");
  // No control or reordering character reaches the page (line breaks between tags aside).
  expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('html()', () => {
  it('writes the five markup characters as entities and shows controls and bidi visibly', () => {
    expect(html(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(html('a\u001b[31mb\u0007\u202ec\n')).toBe('a\\x1b[31mb\\x07\\u{202e}c\\n');
  });
});

describe('diagnose --format html', () => {
  it('exits as the text report does, and writes one self-contained page', () => {
    const r = runCli(['diagnose', '--format', 'html', kill]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expectSelfContained(r.stdout);
    expect(r.stdout).toContain('<code>yarn-memory-exceeded</code>');
    expect(r.stdout.match(/<section class="app" /g)).toHaveLength(1);
    expect(r.stdout).not.toContain('class="card index"'); // one application: no index
    const ok = runCli(['diagnose', '--format', 'html', healthy]);
    expect(ok.status).toBe(0);
    expectSelfContained(ok.stdout);
    expect(ok.stdout).toContain('no memory failure found');
  });

  it('draws the executor container to scale: the segments add up to the layout, the kill at its limit', () => {
    const page = runCli(['diagnose', '--format', 'html', kill]).stdout;
    const bar = /<g class="bar" data-role="executor" data-total="(\d+)">(.*?)<\/g>/.exec(page)!;
    const segs = [...bar[2]!.matchAll(/data-region="(\w+)" data-bytes="(\d+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({
      region: m[1],
      bytes: Number(m[2]),
      x: Number(m[3]),
      width: Number(m[4]),
    }));
    expect(segs.map((s) => s.region)).toEqual(['reserved', 'user', 'storage', 'execution', 'overhead']);
    expect(segs.reduce((n, s) => n + s.bytes, 0)).toBe(Number(bar[1]));
    // Widths are written to 1/100 of a unit: the scale from the whole bar, each segment within rounding.
    const perByte = segs.reduce((n, s) => n + s.width, 0) / segs.reduce((n, s) => n + s.bytes, 0);
    for (const [i, s] of segs.entries()) {
      expect(Math.abs(s.width - s.bytes * perByte)).toBeLessThan(0.02);
      if (i > 0) expect(Math.abs(s.x - (segs[i - 1]!.x + segs[i - 1]!.width))).toBeLessThan(0.02);
    }
    // YARN's own figures: 9.1 GB used of an 8.8 GB limit.
    expect(page).toMatch(/killed at 9\.1 GiB used, limit 8\.8 GiB/);
  });

  it('escapes what the logs hold: names, messages, ids, settings', () => {
    const r = runCli(['diagnose', '--format', 'html', fixture('hostile')]);
    expectSelfContained(r.stdout);
    // The hostile fixture's name, message and ids: markup as text, escapes visible.
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('\\u{202e}evil');
  });

  it('escapes an attribute breakout in a name that ends up in a title attribute (scan rows) too', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-html-'));
    try {
      const log = path.join(dir, '"><svg onload=alert(1)>');
      copyFileSync(kill, log);
      const r = runCli(['scan', '--format', 'html', dir]);
      expect(r.status).toBe(0);
      expectSelfContained(r.stdout);
      expect(r.stdout).toContain('title="');
      expect(r.stdout).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;');
      expect(r.stdout).not.toContain('"><svg onload');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scan --format html', () => {
  it('writes the header first, a row per application, the summaries and the filters at the end', () => {
    const r = runCli(['scan', '--format', 'html', '--since', '3650d', '--app-name', '*', fixture('layouts')]);
    expect(r.status).toBe(0);
    expectSelfContained(r.stdout);
    const page = r.stdout;
    const header = page.indexOf('<header class="card top">');
    const firstRow = page.indexOf('<details class="row');
    const summary = page.indexOf('<section class="card index">');
    expect(header).toBeGreaterThan(0);
    expect(firstRow).toBeGreaterThan(header);
    expect(summary).toBeGreaterThan(page.lastIndexOf('<details class="row'));
    expect(page).toContain('(--app-name)');
    expect(page).toMatch(/logs modified since 3650d \(--since\)/);
    // With --app-name, files that cannot be read (they have no name) are left out, as in every format.
    expect(page).toMatch(/<h2>\d+ applications<\/h2>/);
    const all = runCli(['scan', '--format', 'html', fixture('layouts')]).stdout;
    expect(all).toMatch(/<h2>\d+ applications, \d+ unreadable<\/h2>/);
  });
});

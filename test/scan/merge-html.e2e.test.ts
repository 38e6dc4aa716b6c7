// merge --format html through the built CLI: shards scanned with --for-html give the page one scan gives.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanRowSchema } from '../contract.js';
import { fixture, jsonLines, runCli, sortedLines } from '../helpers.js';
import { addTraps, generateLogDir } from './gen.mjs';

describe('merge --format html', () => {
  let root = '';
  let work = '';
  const shards: string[] = [];
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'st-merge-html-'));
    root = path.join(work, 'logs');
    generateLogDir(root, 60);
    addTraps(root);
    // Every diagnose fixture (plans, timelines, evidence of each kind) and the hostile logs, whose
    // text must reach the page escaped.
    const cases = path.join(root, 'cases');
    mkdirSync(cases);
    for (const code of readdirSync(fixture('diagnose')))
      for (const c of readdirSync(fixture('diagnose', code)))
        if (c !== 'expect.json' && statSync(fixture('diagnose', code, c)).isFile())
          copyFileSync(fixture('diagnose', code, c), path.join(cases, `${code}-${c}`));
    for (const f of ['application_1700000000000_0666_1', 'driver.log'])
      copyFileSync(fixture('hostile', f), path.join(cases, `hostile-${f}`));
    for (let k = 1; k <= 3; k++) {
      // One shard in-process, the others on worker threads: both make the page's data.
      const out = runCli(['scan', '--format', 'jsonl', '--for-html', '--jobs', String(1 + (k % 2)), '--shard', `${k}/3`, root]);
      expect(out.status).toBe(0);
      const f = path.join(work, `shard-${k}.jsonl`);
      writeFileSync(f, out.stdout);
      shards.push(f);
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('of shards scanned with --for-html is the page one scan gives, byte for byte (row order aside)', () => {
    const rows = shards.flatMap((f) => jsonLines(runCli(['merge', '--format', 'jsonl', f]).stdout).map((r) => ScanRowSchema.parse(r)));
    expect(rows.filter((r) => 'page' in r && r.page !== undefined).length).toBeGreaterThan(60);
    const merged = runCli(['merge', '--format', 'html', '--root', root, ...shards]);
    expect([merged.status, merged.stderr]).toEqual([0, '']);
    const single = runCli(['scan', '--format', 'html', root]);
    expect(single.status).toBe(0);
    expect(sortedLines(merged.stdout)).toEqual(sortedLines(single.stdout));
    // Self-contained, and the hostile logs' text escaped.
    expect(merged.stdout).not.toMatch(/<script|<img|src="http|href="http/);
    expect(merged.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws a row without the page data (scanned without --for-html) with its cells only, and says how many', () => {
    const plain = path.join(work, 'plain.jsonl');
    const out = runCli(['scan', '--format', 'jsonl', '--shard', '1/3', root]);
    writeFileSync(plain, out.stdout);
    const apps = jsonLines(out.stdout).filter((r) => 'findings' in (r as object)).length;
    const merged = runCli(['merge', '--format', 'html', '--root', root, plain, shards[1]!]);
    expect(merged.status).toBe(0);
    expect(merged.stderr).toBe(
      `spark-triage: ${apps} rows without the page's data (scanned without --for-html): shown without their diagnosis\n`,
    );
    expect(merged.stdout.match(/the diagnosis, plan and timeline are not in it/g)).toHaveLength(apps);
    expect(merged.stdout).toContain('<section class="card plan">'); // shard 2's rows drawn whole
  });

  it('does not trust page data that would put markup where the renderer writes its own values', () => {
    const lines = runCli(['merge', '--format', 'jsonl', shards[0]!])
      .stdout.split('\n')
      .filter((l) => l !== '');
    const i = lines.findIndex((l) => l.includes('"page":') && l.includes('"severity":"critical"'));
    expect(i).toBeGreaterThanOrEqual(0);
    const row = JSON.parse(lines[i]!) as { page: { diagnosis: { findings: Array<{ severity: string }> } } };
    for (const f of row.page.diagnosis.findings) f.severity = 'critical"><img src=x onerror=alert(2)>';
    const forged = path.join(work, 'forged.jsonl');
    writeFileSync(forged, `${JSON.stringify(row)}\n`);
    const merged = runCli(['merge', '--format', 'html', forged]);
    expect(merged.status).toBe(0);
    expect(merged.stdout).not.toContain('onerror=alert(2)');
    expect(merged.stdout).toContain('the diagnosis, plan and timeline are not in it');
    expect(merged.stderr).toMatch(/^spark-triage: 1 row without the page's data/);
  });

  it('with --state, rows with the page data and rows without are kept apart: the other kind is read again', () => {
    const state = path.join(work, 'page.state');
    const scan = (...extra: string[]): Array<Record<string, unknown>> =>
      jsonLines(runCli(['scan', '--format', 'jsonl', '--shard', '2/3', '--state', state, ...extra, root]).stdout) as Array<
        Record<string, unknown>
      >;
    const first = scan('--for-html');
    expect(first.filter((r) => 'page' in r).length).toBeGreaterThan(0);
    expect(scan('--for-html', '--new-only')).toEqual([]);
    // The stored rows re-emitted as they were, page data and all.
    expect(
      scan('--for-html')
        .map((r) => JSON.stringify(r))
        .sort(),
    ).toEqual(first.map((r) => JSON.stringify(r)).sort());
    const plain = scan('--new-only');
    expect(plain.length).toBe(first.length);
    expect(plain.filter((r) => 'page' in r)).toEqual([]);
  });

  it('--for-html takes --format jsonl only; merge --by takes no html', () => {
    const r = runCli(['scan', '--for-html', root]);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      'spark-triage: --for-html: only with --format jsonl and without --by (it adds to the rows merge --format html reads)\n',
    );
    const m = runCli(['merge', '--format', 'html', '--by', 'app-name', shards[0]!]);
    expect([m.status, m.stdout]).toEqual([2, '']);
    expect(m.stderr).toMatch(/^spark-triage: --by app-name: takes --format table, jsonl or csv/);
  });
});

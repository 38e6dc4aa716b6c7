import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { InspectReportSchema, parseJson } from '../contract.js';
import { fixture, only, ROOT, runCli } from '../helpers.js';

const inspectJson = (args: string[], input?: Buffer) => {
  const r = runCli(['inspect', '--format', 'json', ...args], input === undefined ? {} : { input });
  return { ...r, report: parseJson(InspectReportSchema, r.stdout) };
};

describe('spark-triage inspect (built bin)', () => {
  it('prints the JSON contract', () => {
    const lz4 = fixture('codecs', 'lz4');
    const rolling = fixture('layouts', 'rolling-inprogress');
    const r = runCli(['inspect', '--format', 'json', lz4, rolling]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const raw: unknown = JSON.parse(r.stdout);
    expect(Object.keys(z.record(z.string(), z.unknown()).parse(raw))).toEqual(['inputs', 'applications']);
    const report = InspectReportSchema.parse(raw);
    expect(only(report.inputs, (i) => i.path === lz4, 'lz4 input')).toEqual({
      path: lz4,
      kind: 'event-log',
      compression: 'lz4',
      layout: 'single',
      lines: 304,
      malformedLines: 0,
      longLines: 0,
      truncated: false,
    });
    expect(only(report.inputs, (i) => i.layout === 'rolling', 'rolling input')).toMatchObject({ compression: 'none', truncated: true });
    expect(only(report.applications, (a) => a.appId === 'application_1700000000000_0001', 'lz4 application')).toEqual({
      appId: 'application_1700000000000_0001',
      attemptId: '1',
      appName: 'codec-fixture',
      sparkVersion: '3.5.1',
      clusterManager: 'unknown',
      outcome: 'succeeded',
      startTime: 1700000000000,
      endTime: 1700000009000,
      events: {
        'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart': 1,
        SparkListenerApplicationEnd: 1,
        SparkListenerApplicationStart: 1,
        SparkListenerLogStart: 1,
        SparkListenerTaskEnd: 300,
      },
      executors: 4,
      jobs: { total: 0, failed: 0 },
      stages: { total: 3, failed: 0 },
      tasks: { total: 300, failed: 0, killed: 0 },
    });
    expect(only(report.applications, (a) => a.appId === 'application_1700000000000_0002', 'rolling application')).toMatchObject({
      outcome: 'incomplete',
      executors: 1,
      tasks: { total: 3, failed: 0, killed: 1 },
    });
  });

  it('gives each corrupt input one error line naming the file, exit 2, no stack trace, and still reports the good ones', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-corrupt-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const lz4 = readFileSync(fixture('codecs', 'lz4'));
    const write = (name: string, data: Buffer): string => {
      writeFileSync(path.join(dir, name), data);
      return path.join(dir, name);
    };
    const badMagic = write('bad-magic-after-good', Buffer.concat([lz4, Buffer.from('LZ4Bxxxx' + '\0'.repeat(13))]));
    const flipped = Buffer.from(lz4);
    flipped[200] = flipped[200]! ^ 0x40;
    const checksum = write('checksum', flipped);
    const truncated = write('truncated-frame', lz4.subarray(0, 20000));
    const garbage = fixture('layouts', 'not-eventlogs', 'binary-garbage');
    const empty = fixture('layouts', 'not-eventlogs', 'empty');
    const emptyDir = fixture('layouts', 'not-eventlogs', 'empty-dir');
    const snappy = fixture('codecs', 'snappy');
    const args = [badMagic, checksum, truncated, garbage, empty, emptyDir, snappy];

    const r = runCli(['inspect', ...args]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    for (const bad of [badMagic, checksum, truncated, garbage, empty, emptyDir]) {
      expect(
        lines.filter((l) => l.startsWith(`spark-triage: ${bad}: `)),
        bad,
      ).toHaveLength(1);
    }
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain(snappy);

    const { status, report } = inspectJson(args);
    expect(status).toBe(2);
    const errorsOf = (p: string) => only(report.inputs, (i) => i.path === p, p).errors;
    expect(errorsOf(badMagic)).toEqual([{ part: null, code: 'lz4-bad-magic', data: { at: lz4.length } }]);
    // The flipped bit still decodes; the first block's xxhash32 catches it.
    expect(errorsOf(checksum)).toEqual([{ part: null, code: 'lz4-checksum', data: { at: 0 } }]);
    expect(errorsOf(truncated)).toEqual([
      {
        part: null,
        code: 'cut-short',
        data: {
          cause: { code: 'truncated', data: { what: 'lz4 block', at: 20000, expected: expect.any(Number), found: expect.any(Number) } },
        },
      },
    ]);
    expect(errorsOf(garbage)).toEqual([{ part: null, code: 'binary-data', data: { acceptText: false } }]);
    expect(errorsOf(empty)).toEqual([{ part: null, code: 'empty-file', data: {} }]);
    expect(errorsOf(emptyDir)).toEqual([{ part: null, code: 'no-log-in-directory', data: {} }]);
    expect(errorsOf(snappy)).toBeUndefined();
    // The first, good stream of the bad-magic file is still read, and counted.
    expect(only(report.inputs, (i) => i.path === badMagic, 'bad magic input')).toMatchObject({
      compression: 'lz4',
      layout: 'single',
      lines: 304,
    });
    const badMagicApps = inspectJson([badMagic]).report.applications;
    expect(only(badMagicApps, () => true, 'bad magic application').events.SparkListenerTaskEnd).toBe(300);
  });

  it('reads standard input, plain and zipped', () => {
    const plain = inspectJson(['-'], readFileSync(fixture('codecs', 'zstd')));
    expect(plain.status).toBe(0);
    expect(plain.report.inputs).toEqual([expect.objectContaining({ path: '-', compression: 'zstd', lines: 304 })]);
    const zip = inspectJson(['-'], readFileSync(fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip')));
    expect(zip.status).toBe(0);
    expect(zip.report.applications.map((a) => a.attemptId)).toEqual(['1', '2', '3']);
  });

  it('answers bad usage with exit 2 and --help with 0', () => {
    expect(runCli(['inspect']).status).toBe(2);
    expect(runCli(['inspect', '--format', 'xml', 'x']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
    const help = runCli(['inspect', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('History Server zip');
  });

  it('renders text the same way every time (colour off, UTC)', () => {
    const r = runCli(['inspect', fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip')]);
    expect(r.status).toBe(0);
    expect(r.stdout.replaceAll(ROOT + path.sep, '')).toMatchSnapshot();
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixture, ROOT } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const run = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });

describe('spark-triage inspect (built bin)', () => {
  it('prints the JSON contract', () => {
    const r = run(['inspect', '--format', 'json', fixture('codecs', 'lz4'), fixture('layouts', 'rolling-inprogress')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['inputs', 'applications']);
    expect(report.inputs[0]).toEqual({
      path: fixture('codecs', 'lz4'), kind: 'event-log', compression: 'lz4', layout: 'single', lines: 304, malformedLines: 0, truncated: false,
    });
    expect(report.inputs[1]).toMatchObject({ layout: 'rolling', compression: 'none', truncated: true });
    expect(report.applications[0]).toEqual({
      appId: 'application_1700000000000_0001', attemptId: '1', appName: 'codec-fixture', sparkVersion: '3.5.1',
      clusterManager: 'unknown', outcome: 'succeeded', startTime: 1700000000000, endTime: 1700000009000,
      events: { 'org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart': 1, SparkListenerApplicationEnd: 1, SparkListenerApplicationStart: 1, SparkListenerLogStart: 1, SparkListenerTaskEnd: 300 },
      executors: 4, jobs: { total: 0, failed: 0 }, stages: { total: 3, failed: 0 }, tasks: { total: 300, failed: 0, killed: 0 },
    });
    expect(report.applications[1]).toMatchObject({ outcome: 'incomplete', executors: 1, tasks: { total: 3, failed: 0, killed: 1 } });
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
    flipped[200] ^= 0x40;
    const checksum = write('checksum', flipped);
    const truncated = write('truncated-frame', lz4.subarray(0, 20000));
    const args = ['inspect', badMagic, checksum, truncated, fixture('layouts', 'not-eventlogs', 'binary-garbage'), fixture('layouts', 'not-eventlogs', 'empty'), fixture('layouts', 'not-eventlogs', 'empty-dir'), fixture('codecs', 'snappy')];
    const r = run(args);
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`spark-triage: ${badMagic}: bad lz4 block magic at byte ${lz4.length}`);
    expect(lines[1]).toMatch(new RegExp(`^spark-triage: ${checksum}: (lz4 checksum mismatch|corrupt lz4 block) .*at byte \\d+`));
    expect(lines[2]).toMatch(new RegExp(`^spark-triage: ${truncated}: truncated lz4 block at byte \\d+.*not marked .inprogress`));
    expect(lines[3]).toContain('binary-garbage: binary data: not a Spark event log');
    expect(lines[4]).toContain('empty: empty file');
    expect(lines[5]).toContain('empty-dir: no Spark event log found in this directory');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toContain('fixtures/codecs/snappy');
    // The first, good stream of the bad-magic file is still read, and counted.
    expect(r.stdout).toContain(`${badMagic}  (lz4, single, 304 lines)`);
    const j = JSON.parse(run(['inspect', '--format', 'json', badMagic]).stdout);
    expect(j.inputs[0].error).toBe(`bad lz4 block magic at byte ${lz4.length}`);
    expect(j.applications[0].events.SparkListenerTaskEnd).toBe(300);
  });

  it('reads standard input, plain and zipped', () => {
    const plain = run(['inspect', '--format', 'json', '-'], readFileSync(fixture('codecs', 'zstd')));
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout).inputs[0]).toMatchObject({ path: '-', compression: 'zstd', lines: 304 });
    const zip = run(['inspect', '--format', 'json', '-'], readFileSync(fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip')));
    expect(zip.status).toBe(0);
    expect(JSON.parse(zip.stdout).applications).toHaveLength(3);
  });

  it('answers bad usage with exit 2 and --help with 0', () => {
    expect(run(['inspect']).status).toBe(2);
    expect(run(['inspect', '--format', 'xml', 'x']).status).toBe(2);
    expect(run(['frobnicate']).status).toBe(2);
    const help = run(['inspect', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('History Server zip');
  });

  it('renders text the same way every time (colour off, UTC)', () => {
    const r = run(['inspect', fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip')]);
    expect(r.status).toBe(0);
    expect(r.stdout.replaceAll(ROOT + path.sep, '')).toMatchSnapshot();
  });
});

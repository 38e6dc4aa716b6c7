// scan --by app-name and merge --by app-name: runs of one job grouped, one plan holding every run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetGroups, magnitude, MAX_RUNS_KEPT } from '../../src/scan/fleet.js';
import { FleetGroupSchema, ScanRowSchema, type FleetGroup, type ScanAppRow } from '../contract.js';
import { diagnosePath, jsonLines, only, runCli, sortedLines } from '../helpers.js';
import { generateFleet } from './fleet-gen.mjs';

const GiB = 1024 ** 3;
const groupsOf = (stdout: string): FleetGroup[] => jsonLines(stdout).map((g) => FleetGroupSchema.parse(g));
const group = (gs: FleetGroup[], name: string): FleetGroup => only(gs, (g) => g.appName === name, name);
describe('scan --by app-name', () => {
  let root = '';
  let files: Record<string, string[]> = {};
  let groups: FleetGroup[] = [];
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'st-by-'));
    files = generateFleet(path.join(root, 'logs')) as Record<string, string[]>;
    const out = runCli(['scan', '--by', 'app-name', '--format', 'jsonl', path.join(root, 'logs')]);
    expect(out.status, out.stderr).toBe(0);
    groups = groupsOf(out.stdout);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('groups runs by name: counts, failures, and each region’s peaks against its size', () => {
    expect(groups.map((g) => g.appName).sort()).toEqual(['etl-died', 'etl-grows', 'etl-oversized']);
    const died = group(groups, 'etl-died');
    expect({ runs: died.runs, failed: died.failed, died: died.died }).toEqual({ runs: 3, failed: 1, died: 1 });
    const over = group(groups, 'etl-oversized');
    const heap = only(over.regions, (r) => r.region === 'heap', 'heap region');
    expect(heap).toEqual({ region: 'heap', size: 16 * GiB, runs: 3, p50: 2.5 * GiB, p95: 3 * GiB, max: 3 * GiB });
  });

  it('up where a run died: the heap holds the dead run’s need and every run’s peak with POLICY.headroom', () => {
    const plan = group(groups, 'etl-died').plan!;
    const c = only(plan.changes, (x) => x.key === 'spark.executor.memory', 'heap change');
    expect(c.direction).toBe('up');
    // The two healthy runs peaked at 10 GiB: 10 × 1.25 rounded up to whole GiB.
    expect(magnitude(c.key, c.to)).toBe(13 * GiB);
    expect(plan.byteHours).toBeGreaterThan(0);
  });

  it('down where every run left the heap half empty, with the memory × hours it saves', () => {
    const plan = group(groups, 'etl-oversized').plan!;
    const c = only(plan.changes, (x) => x.key === 'spark.executor.memory', 'heap change');
    expect(c.direction).toBe('down');
    // heap-underused: the busiest run's peak 3 GiB × 1.5, in whole GiB.
    expect(magnitude(c.key, c.to)).toBe(5 * GiB);
    // Four executors from 1 s to 100 s into each of three runs.
    expect(plan.executorHours).toBeCloseTo((3 * 4 * 99) / 3600, 6);
    const delta = plan.executorContainerAfter! - plan.executorContainerBefore!;
    expect(delta).toBeLessThan(0);
    expect(plan.byteHours).toBe(Math.round(delta * plan.executorHours!));
    // One run not half empty (etl-grows peaks at 8 of 16 GiB): its group is not trimmed.
    expect(group(groups, 'etl-grows').plan).toBeNull();
  });

  it('names a job whose memory grows run over run, with its input growth', () => {
    const g = group(groups, 'etl-grows').grows!;
    expect({ code: g.code, runs: g.runs, from: g.from, to: g.to, share: g.share }).toEqual({
      code: 'memory-grows',
      runs: 4,
      from: 5 * GiB,
      to: 8 * GiB,
      share: 0.6,
    });
    expect(g.input?.share).toBe(0.6);
    expect(group(groups, 'etl-oversized').grows).toBeNull();
  });

  it('the plan holds every observed run: re-diagnosed with it, no run asks for more', async () => {
    let checked = 0;
    for (const g of groups) {
      if (!g.plan) continue;
      for (const f of files[g.appName]!) {
        const d = await diagnosePath(f, g.plan.conf);
        for (const c of d.plan?.changes ?? []) {
          const [from, to] = [c.from !== null ? magnitude(c.key, c.from) : null, magnitude(c.key, c.to)];
          expect(from !== null && to !== null && to > from, `${g.appName} ${f}: ${c.key} ${String(c.from)} → ${c.to}`).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBe(6);
  });

  it('the table fits 80 columns; CSV has a row per name', () => {
    const t = runCli(['scan', '--by', 'app-name', path.join(root, 'logs')]);
    expect(t.status).toBe(0);
    for (const l of t.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(t.stdout).toContain('--conf spark.executor.memory=5g');
    const csv = runCli(['scan', '--by', 'app-name', '--format', 'csv', path.join(root, 'logs')])
      .stdout.trim()
      .split('\n');
    expect(csv.length).toBe(4);
    expect(csv[0]!.split(',')[0]).toBe('appName');
  });

  it('a run’s row carries its executor time, input bytes and settings', () => {
    const rows = jsonLines(runCli(['scan', '--format', 'jsonl', path.join(root, 'logs')]).stdout).map((r) => ScanRowSchema.parse(r));
    const grows = rows.filter((r): r is ScanAppRow => 'findings' in r && r.appName === 'etl-grows');
    expect(grows.map((r) => r.run.inputBytes).sort((a, b) => a! - b!)).toEqual([10e9, 12e9, 14e9, 16e9]);
    for (const r of grows) expect(r.run).toMatchObject({ executorMs: 4 * 99_000, conf: { 'spark.executor.memory': '16g' } });
  });

  it('merge --by app-name of shards equals scan --by app-name', () => {
    const shardFiles: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const out = runCli(['scan', '--format', 'jsonl', '--shard', `${k}/3`, path.join(root, 'logs')]);
      const f = path.join(root, `shard-${k}.jsonl`);
      writeFileSync(f, out.stdout);
      shardFiles.push(f);
    }
    for (const format of ['jsonl', 'csv', 'table']) {
      const merged = runCli(['merge', '--by', 'app-name', '--format', format, ...shardFiles]);
      expect(merged.status).toBe(0);
      expect(sortedLines(merged.stdout)).toEqual(
        sortedLines(runCli(['scan', '--by', 'app-name', '--format', format, path.join(root, 'logs')]).stdout),
      );
    }
  });

  it('--by with --format html is bad usage, one line', () => {
    const out = runCli(['scan', '--by', 'app-name', '--format', 'html', path.join(root, 'logs')]);
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('FleetGroups', () => {
  it('keeps a fixed-size summary per name however many runs come', () => {
    const fleet = new FleetGroups();
    const n = MAX_RUNS_KEPT + 100;
    for (let i = 0; i < n; i++)
      fleet.add({
        appName: 'nightly',
        sparkVersion: '3.5.1',
        clusterManager: 'yarn',
        outcome: 'succeeded',
        startTime: i * 1000,
        endTime: i * 1000 + 500,
        plan: null,
        findings: [],
        memory: { executor: { heap: 8 * GiB }, observed: { executors: { '1': { peaks: { JVMHeapMemory: (i + 1) * 1024 } } } } },
      });
    const g = only(fleet.summaries(), (x) => x.appName === 'nightly', 'group');
    expect(g.runs).toBe(n);
    expect(g.kept).toBe(MAX_RUNS_KEPT);
    // The newest runs are kept: the smallest peak kept is run 101's.
    const heap = only(g.regions, (r) => r.region === 'heap', 'heap');
    expect(heap.max).toBe(n * 1024);
    expect(heap.runs).toBe(MAX_RUNS_KEPT);
  });
});

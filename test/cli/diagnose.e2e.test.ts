import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FindingSchema, VerdictSchema } from '../../src/findings.js';
import { fixture, ROOT } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });
const kill = fixture('diagnose', 'yarn-memory-exceeded', 'spark35-pyspark');
const healthy = fixture('diagnose', 'traps', 'maxresultsize-property');

const Contract = z.object({
  inputs: z.array(z.object({ path: z.string(), kind: z.literal('event-log'), compression: z.string(), layout: z.string(), lines: z.number(), malformedLines: z.number(), truncated: z.boolean(), error: z.string().optional() }).strict()),
  applications: z.array(z.object({
    appId: z.string().nullable(), appName: z.string().nullable(), sparkVersion: z.string().nullable(), clusterManager: z.string(), outcome: z.string(),
    memory: z.object({ sparkVersion: z.string().nullable(), clusterManager: z.string(), executor: z.record(z.string(), z.number()), driver: z.record(z.string(), z.number()), observed: z.unknown(), notes: z.array(z.string()) }).strict().nullable(),
    verdict: VerdictSchema.strict().nullable(),
    findings: z.array(FindingSchema.strict()),
  }).strict()),
}).strict();

describe('spark-triage diagnose (built bin)', () => {
  it('exits 1 when a failure is diagnosed, 0 when not, 2 when an input is unreadable', () => {
    expect(run(['diagnose', kill]).status).toBe(1);
    expect(run(['diagnose', healthy]).status).toBe(0);
    const bad = run(['diagnose', healthy, fixture('layouts', 'not-eventlogs', 'binary-garbage')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^spark-triage: .*not-eventlogs\/binary-garbage: binary data: not a Spark event log nor a text log\n$/);
    expect(bad.stdout).toContain('no memory failure found');
  });

  it('prints the JSON contract, field names exactly', () => {
    const r = run(['diagnose', '--format', 'json', kill, healthy]);
    expect(r.status).toBe(1);
    const j = Contract.parse(JSON.parse(r.stdout));
    expect(j.applications.map((a) => a.verdict?.code ?? null)).toEqual(['yarn-memory-exceeded', null]);
    expect(j.applications[0]!.findings[0]!.evidence[0]!.source).toBe(`${kill}:11`);
  });

  it('applies --conf overrides to the layout and the fix', () => {
    const j = JSON.parse(run(['diagnose', '--format', 'json', '--conf', 'spark.executor.memoryOverhead=1g', kill]).stdout);
    const fix = j.applications[0].findings[0].remediation.find((r: { conf: string }) => r.conf === 'spark.executor.memoryOverhead');
    expect(fix.current).toBe('1g');
  });

  it('renders text and markdown the same way every time', () => {
    const text = run(['diagnose', kill]).stdout.replaceAll(ROOT + path.sep, '');
    expect(text).toMatchSnapshot();
    const md = run(['diagnose', '--format', 'markdown', kill]).stdout.replaceAll(ROOT + path.sep, '');
    expect(md).toMatchSnapshot();
    expect(md).toContain('`--conf spark.executor.memoryOverhead=1536m`');
  });

  it('escapes control characters from logs in text output', () => {
    const r = run(['diagnose', fixture('diagnose', 'heap-oom', 'spark16-no-frames')]);
    expect(r.stdout).not.toMatch(/\u001b/);
  });

  it('explains a code, lists all, refuses an unknown one', () => {
    const e = run(['explain', 'oom-killed']);
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^oom-killed\n\nThe kernel killed a container for exceeding its memory cgroup limit/);
    expect(run(['explain']).stdout.split('\n').filter(Boolean)).toHaveLength(25);
    const u = run(['explain', 'oom']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown finding code "oom"; known codes: array-size-oom, /);
  });
});

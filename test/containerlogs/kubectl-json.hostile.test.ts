import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubectlJsonReader, MAX_POD_CHARS } from '../../src/containerlogs/kubectl-json.js';
import { MAX_LINE_BYTES } from '../../src/eventlog/lines.js';
import { MAX_JSON_DEPTH } from '../../src/eventlog/shape.js';
import { AppState, MAX_LEARNT } from '../../src/state/app.js';
import { DiagnoseReportSchema, parseJson } from '../contract.js';
import { diagnosePaths, findingOf, only, readPaths, RSS_LIMIT_MIB, runCli, runCliMeasured } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-kubectl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An executor pod as `kubectl get pods -o json` prints it (trimmed); every third one OOMKilled. */
function pod(i: number, app = 'spark-0123456789abcdef', note = 'x'.repeat(600)): object {
  const oom = i % 3 === 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `job-exec-${i}`,
      namespace: 'spark',
      labels: { 'spark-app-selector': app, 'spark-role': 'executor', 'spark-exec-id': String(i) },
      annotations: { note },
    },
    spec: {
      containers: [
        {
          name: 'spark-kubernetes-executor',
          resources: { limits: { memory: '9011Mi' }, requests: { memory: '9011Mi' } },
          env: [
            { name: 'SPARK_EXECUTOR_ID', value: String(i) },
            { name: 'SPARK_EXECUTOR_MEMORY', value: '8g' },
          ],
        },
      ],
    },
    status: {
      phase: 'Failed',
      containerStatuses: [
        {
          name: 'spark-kubernetes-executor',
          state: { terminated: { exitCode: oom ? 137 : 0, reason: oom ? 'OOMKilled' : 'Completed' } },
        },
      ],
    },
  };
}

/** A List of `n` pods, written a pod at a time: on one line (as `kubectl … -o json | jq -c` gives it) or pretty. */
async function podList(file: string, n: number, oneLine: boolean, app?: string): Promise<void> {
  const out = createWriteStream(file);
  const json = (o: object): string => (oneLine ? JSON.stringify(o) : JSON.stringify(o, null, 2));
  out.write(oneLine ? '{"apiVersion":"v1","kind":"List","items":[' : '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n');
  for (let i = 0; i < n; i++) {
    if (!out.write(`${i > 0 ? ',' : ''}${json(pod(i, app))}`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.write(oneLine ? '],"metadata":{"resourceVersion":""}}\n' : '\n  ]\n}\n');
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

describe('kubectl JSON is streamed, never gathered into lines', () => {
  it('reads a pod list on one line longer than the line limit, in bounded memory, its facts capped', async () => {
    const file = path.join(tmp, 'pods-one-line.json');
    const n = 30_000;
    await podList(file, n, true);
    expect(statSync(file).size).toBeGreaterThan(MAX_LINE_BYTES); // a line the line reader would skip
    const r = runCliMeasured(['diagnose', '--format', 'json', file]);
    expect([r.code, r.stderr]).toEqual([1, '']);
    const report = parseJson(DiagnoseReportSchema, r.stdout);
    expect(report.inputs).toMatchObject([{ kind: 'kubectl-json', lines: 1, longLines: 0 }]);
    const d = only(report.applications, () => true, 'application');
    const oom = only(d.findings, (f) => f.code === 'oom-killed', 'oom-killed finding');
    expect(oom).toMatchObject({ role: 'executor', region: 'overhead' });
    const matched = only(oom.evidence, (e) => e.messageId === 'matched', 'matched evidence');
    expect(matched.messageId === 'matched' && matched.data.count).toBe(n / 3);
    // Two settings and a limit per pod: the first MAX_LEARNT listed, the rest counted.
    expect(d.problems.filter((p) => p.code === 'learnt')).toHaveLength(MAX_LEARNT);
    expect(d.problems.filter((p) => p.code === 'learnt-capped')).toMatchObject([{ kept: MAX_LEARNT, more: 2 + n - MAX_LEARNT }]);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });

  it('cites each termination at its line in pretty-printed JSON, whatever the chunks (a character split between two)', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod(1, 'a', 'ünïcödé'), pod(3, 'a', '€ 𝄞')] }, null, 2);
    const bytes = Buffer.from(`\uFEFF${json}\n`);
    const oomLine = json.split('\n').findIndex((l) => l.includes('"OOMKilled"')) + 1;
    for (const size of [1, 2, 3, 7, 4096]) {
      const app = new AppState();
      const reader = new KubectlJsonReader(app, 'pods.json');
      for (let i = 0; i < bytes.length; i += size) reader.chunk(bytes.subarray(i, i + size));
      reader.end();
      expect(reader.failed).toBeNull();
      expect(reader.lines).toBe(json.split('\n').length);
      const sig = only(app.signals.all(), () => true, 'signal');
      expect(sig.text).toMatch(/^pod job-exec-3 container spark-kubernetes-executor state: terminated, exit code: 137/);
      expect(sig.locations).toEqual([{ file: 'pods.json', line: oomLine }]);
      expect(app.learnt.filter((f) => f.kind === 'pod-limit')).toHaveLength(2);
    }
  });

  it('skips a "pod" larger than Kubernetes keeps, says so, and reads the pods after it', async () => {
    const file = path.join(tmp, 'pods-huge-one.json');
    const huge = pod(0, 'spark-huge', 'y'.repeat(MAX_POD_CHARS + 1));
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [huge, pod(1, 'spark-huge'), pod(3, 'spark-huge')] }));
    const [read] = await readPaths([file], { acceptText: true });
    const stats = only(read!.apps, () => true, 'app').stats;
    expect(stats.diagnostics).toEqual([
      { file, line: 1, code: 'pod-too-large', data: { chars: expect.any(Number) as number, limit: MAX_POD_CHARS } },
    ]);
    const { diagnoses } = await diagnosePaths([file]);
    const oom = findingOf(
      only(diagnoses, () => true, 'diagnosis'),
      'oom-killed',
    );
    const matched = only(oom.evidence, (e) => e.messageId === 'matched', 'matched evidence');
    expect(matched.messageId === 'matched' && [matched.data.count, matched.data.executors]).toEqual([1, ['3']]);
  });

  it('refuses JSON nested deeper than the event-log limit: one line naming the input, exit 2', () => {
    const file = path.join(tmp, 'pods-deep.json');
    writeFileSync(file, `{"apiVersion":"v1","kind":"List","items":[${'['.repeat(MAX_JSON_DEPTH * 5)}`);
    const r = runCli(['diagnose', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(file)]);
    expect(r.stderr).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels at line 1`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('joins the facts of two pod lists of one application within the cap', async () => {
    const a = path.join(tmp, 'pods-a.json');
    const b = path.join(tmp, 'pods-b.json');
    await podList(a, 800, false, 'spark-joined');
    await podList(b, 800, false, 'spark-joined');
    const { diagnoses } = await diagnosePaths([a, b]);
    const d = only(diagnoses, () => true, 'diagnosis');
    expect(d.problems.filter((p) => p.code === 'learnt')).toHaveLength(MAX_LEARNT);
    // Each list: two settings and 800 limits; joined, the second's settings are known already.
    expect(d.problems.filter((p) => p.code === 'learnt-capped')).toEqual([
      { code: 'learnt-capped', kept: MAX_LEARNT, more: 802 + 800 - MAX_LEARNT },
    ]);
  });
});

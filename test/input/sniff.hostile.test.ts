import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll, type InputRead } from '../../src/input/read.js';
import { sniffKind } from '../../src/input/sniff.js';
import { fixture } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-sniff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SNIFF_BYTES = 64 * 1024;

/** `kubectl get pods -o yaml`: a List whose items are the fixture pod, made large by its environment. */
function podList(pods: number, envPerPod: number): string {
  const pod = readFileSync(fixture('containerlogs', 'kubectl-yaml', 'pod-oomkilled.yaml'), 'utf8').trimEnd();
  const env = Array.from(
    { length: envPerPod },
    (_, i) => `    - name: SPARK_JAVA_OPT_${i}\n      value: -Dsome.property.${i}=${'v'.repeat(40)}`,
  ).join('\n');
  const big = pod.replace('  - env:\n', `  - env:\n${env}\n`);
  const items = Array.from({ length: pods }, () =>
    big
      .split('\n')
      .map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`))
      .join('\n'),
  );
  // kubectl writes keys in order: apiVersion, items, kind, metadata.
  return `apiVersion: v1\nitems:\n${items.join('\n')}\nkind: List\nmetadata:\n  resourceVersion: ""\n`;
}

describe('kubectl get pods -o yaml', () => {
  it('is recognised when its `kind: List` lies past the bytes sniffed', async () => {
    const text = podList(3, 400);
    expect(text.indexOf('\nkind: List')).toBeGreaterThan(SNIFF_BYTES);
    expect(sniffKind(text.slice(0, SNIFF_BYTES))).toBe('kubectl-json');
    const file = path.join(tmp, 'pods.yaml');
    writeFileSync(file, text);
    const reads: InputRead[] = [];
    for await (const r of readAll([file], { acceptText: true })) reads.push(r);
    expect(reads[0]!.failures).toEqual([]);
    expect(reads[0]!.kind).toBe('kubectl-json');
    const signals = [...reads[0]!.apps[0]!.state.signals.all()].map((s) => s.text);
    expect(signals.some((t) => /OOMKilled/.test(t))).toBe(true);
  });

  it('a small list and a single pod are still recognised; YAML that is no pod is not', () => {
    expect(sniffKind(podList(1, 0))).toBe('kubectl-json');
    expect(sniffKind(readFileSync(fixture('containerlogs', 'kubectl-yaml', 'pod-oomkilled.yaml'), 'utf8'))).toBe('kubectl-json');
    expect(sniffKind('apiVersion: apps/v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n')).not.toBe('kubectl-json');
  });
});

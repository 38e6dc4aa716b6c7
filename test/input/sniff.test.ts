import { describe, expect, it } from 'vitest';
import { sniffKind } from '../../src/input/sniff.js';

describe('sniffKind', () => {
  it('names the kind by content, never by file name', () => {
    expect(sniffKind('{"Event":"SparkListenerLogStart"}')).toBe('event-log');
    expect(sniffKind('\ufeff  {"Event" : "SparkListenerLogStart"}')).toBe('event-log');
    expect(sniffKind('{\n  "apiVersion": "v1",\n  "kind": "Pod"')).toBe('kubectl-json');
    expect(sniffKind('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n')).toBe('kubectl-json');
    expect(sniffKind('Container: container_1_0001_01_000002 on host_8041\nLogType:stderr\n')).toBe('yarn-aggregated-log');
    expect(sniffKind('Name:         exec-1\nNamespace:    spark\n')).toBe('kubectl-describe');
    expect(sniffKind('Application report for application_1650000000000_0099 (state: FAILED)\n')).toBe('yarn-diagnostics');
    expect(sniffKind('24/01/01 10:00:00 INFO SparkContext: Running Spark version 3.5.1')).toBe('spark-log');
    expect(sniffKind('hello')).toBe('unknown');
  });

  it('calls NUL, or more than a tenth of control characters, binary', () => {
    expect(sniffKind('\u0000\u0001binary')).toBeNull();
    expect(sniffKind(`${'a'.repeat(100)}\u0000`)).toBeNull();
    expect(sniffKind('\u0001\u0002\u0003 abc')).toBeNull();
    // A coloured log line is still text.
    expect(
      sniffKind(`24/01/01 10:00:00 \u001b[31mERROR\u001b[0m Executor: Exception in task 0.0 in stage 1.0 (TID 7)\n${'x'.repeat(200)}`),
    ).toBe('spark-log');
  });
});

import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings.js';
import { CLASSIFIER_WORDS, midSentence, verdictSummary } from '../../../src/render/words/classifiers.js';

/** The common words a title may start with, lower-cased after the verdict's "who:"; any other capitalised word must be a proper noun. */
const COMMON_FIRST_WORDS = new Set(['A', 'An', 'The', 'Some', 'Executors', 'Stages', 'Shuffle', 'Results', 'Class']);

const finding = (code: string, region: Finding['region'], role: Finding['role'] = 'executor'): Finding =>
  ({
    code,
    region,
    role,
    confidence: 'high',
    severity: 'critical',
    occurrences: 1,
    evidence: [],
    data: {},
    executors: ['1'],
  }) as unknown as Finding;

describe('the verdict line', () => {
  it('lower-cases a title’s first word after "who:" only when it is a common word', () => {
    expect(midSentence('A JVM ran out of heap')).toBe('a JVM ran out of heap');
    expect(midSentence('The kernel killed a container')).toBe('the kernel killed a container');
    expect(midSentence('Spark refused to start a JVM')).toBe('Spark refused to start a JVM');
    expect(midSentence('Kubernetes evicted a pod')).toBe('Kubernetes evicted a pod');
    expect(midSentence("Kyuubi's JVM Quake killed a JVM")).toBe("Kyuubi's JVM Quake killed a JVM");
    expect(midSentence('YARN killed a container')).toBe('YARN killed a container');
    expect(midSentence('NIO direct buffers ran out')).toBe('NIO direct buffers ran out');
    for (const [code, w] of Object.entries(CLASSIFIER_WORDS)) {
      const first = w.title.split(' ')[0]!;
      if (midSentence(w.title) !== w.title) expect(COMMON_FIRST_WORDS, `${code}: "${first}" lower-cased: a proper noun?`).toContain(first);
    }
  });

  it('does not say the region again when the title names it', () => {
    for (const [code, region] of [
      ['max-result-size', 'maxResultSize'],
      ['offheap-oom', 'offHeap'],
      ['gpu-oom', 'gpu'],
      ['kryo-buffer-overflow', 'user'],
    ] as const) {
      const line = verdictSummary(finding(code, region), false);
      const [, title, said] = /^[^:]+: (.*?): (.*) — high confidence$/.exec(line) ?? [];
      expect(title, line).toBeDefined();
      // No run of four words of the region's words is already in the title.
      const words = said!.toLowerCase().split(/\s+/);
      for (let i = 0; i + 4 <= words.length; i++) expect(title!.toLowerCase(), line).not.toContain(words.slice(i, i + 4).join(' '));
    }
    expect(verdictSummary(finding('max-result-size', 'maxResultSize', 'driver'), false)).toMatch(
      /: results sent to the driver passed spark\.driver\.maxResultSize: a limit Spark checks, not the heap running out — high confidence$/,
    );
  });
});

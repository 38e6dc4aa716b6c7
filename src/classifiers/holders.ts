import type { Evidence } from '../findings.js';
import type { MemoryDump } from '../state/signals.js';
import type { HolderKind } from './evidence.js';
import type { Match } from './match.js';

/**
 * Consumer classes by what they are (the MemoryConsumer subclasses of spark-core and spark-sql 3.5–4.1,
 * found in the released jars; none overrides toString, so they print as <class>@<hash>, except
 * HybridRowQueue, a case class). Research: issue 16, taskmemorymanager.md §3.
 */
const KINDS: Array<[RegExp, HolderKind]> = [
  [/\bLongToUnsafeRowMap\b|\bUnsafeHashedRelation\b|HashedRelation/, 'hash-relation'],
  [/UnsafeExternalSorter|ShuffleExternalSorter|\bExternalSorter\b|UnsafeKVExternalSorter|UnsafeInMemorySorter/, 'sorter'],
  [/BytesToBytesMap|ExternalAppendOnlyMap|UnsafeFixedWidthAggregationMap|HashAggregate/, 'hash-map'],
  [/\bHybridRowQueue\b/, 'python-queue'],
  [/TreeMemoryConsumer|glutenproject|org\.apache\.gluten|velox/i, 'native'],
];

export function holderKind(consumer: string): HolderKind {
  for (const [re, kind] of KINDS) if (re.test(consumer)) return kind;
  return 'other';
}

/** The consumer's class without its identity hash, or its case-class name (HybridRowQueue(…)). */
const className = (consumer: string): string => consumer.replace(/@[0-9a-f]+$/i, '').replace(/\(.*$/, '');

/** The dump the matched failures came with, the one whose largest holder is largest. */
export function dumpOf(matches: Match[]): MemoryDump | null {
  let best: MemoryDump | null = null;
  for (const { signal } of matches) {
    const d = signal.dump;
    if (d && d.consumers.length > 0 && (!best || d.consumers[0]!.bytes > best.consumers[0]!.bytes)) best = d;
  }
  return best;
}

/** The largest holder of a dump as evidence, cited where the dump was printed. */
export function holderEvidence(d: MemoryDump): Evidence {
  const top = d.consumers[0]!;
  return {
    at: d.at,
    messageId: 'memory-holder',
    data: {
      task: d.task,
      consumer: className(top.consumer),
      kind: holderKind(top.consumer),
      bytes: top.bytes,
      consumers: d.consumerCount,
      taskBytes: d.consumers.reduce((n, c) => n + c.bytes, 0) + (d.unassigned ?? 0),
    },
  };
}

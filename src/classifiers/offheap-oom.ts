import type { Evidence } from '../findings.js';
import { MiB } from '../memory/index.js';
import type { Need } from '../plan/needs.js';
import { defineClassifier } from './define.js';
import { dumpOf, holderEvidence } from './holders.js';
import { direct, find, lineOf, parseHumanSize, reportFrom, roleOf, type Match } from './match.js';
import { POLICY } from './policy.js';
import { fix, roundUp, settingNeed, sizeConf } from './remedy.js';

// Gluten/Velox (ThrowOnOomMemoryTarget, io.glutenproject → org.apache.gluten in 2024) and Spark's own
// off-heap pool refusals.
const PATTERN =
  /Not enough spark off-heap execution memory|ThrowOnOomMemoryTarget\$OutOfMemoryException|Unable to acquire \d+ bytes of off-?heap memory/i;
/** Gluten's "Current config settings:": the pool it was given (spark.memory.offHeap.size as Gluten read it) and each task's cap. */
const POOL = /spark\.gluten\.memory\.offHeap\.size\.in\.bytes=([\d.]+ ?(?:[KMGTPE]i?)?B)/;
const TASK_CAP = /spark\.gluten\.memory\.task\.offHeap\.size\.in\.bytes=([\d.]+ ?(?:[KMGTPE]i?)?B)/;
/**
 * "Memory consumer stats:" — one node a line: indent, "|  " / "   " per level, "+- " or "\- ", the
 * name, ":", then "Current used bytes: <size>, peak bytes: <size|N/A>" (gluten#3148, #9400; research:
 * taskmemorymanager.md §4).
 */
const NODE = /^[\t ]*((?:[| ] {2})*)(?:[+\\]- )?([^\s:][^:\n]*?):\s+Current used bytes:\s*([\d.]+ ?(?:[KMGTPE]i?)?B)/gm;
/** Wrappers of the tree, not plan nodes. */
const WRAPPER = /^(?:Gluten\.Tree\.|root\.?|Capacity\[|single$|default|gluten::)/;

export default defineClassifier({
  code: 'offheap-oom',
  meta: {
    kind: 'failure',
    rank: 27,
    uses: ['offHeapGrowth', 'heapStep'],
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const l = ctx.layout;
    const tree = nativeTree(matches);
    const needs: Need[] = [];
    const advice = [];
    if (l && l.executor.offHeap > 0) {
      const next = roundUp(l.executor.offHeap * POLICY.offHeapGrowth.value, POLICY.heapStep.value);
      // The pool is in the container where Spark adds it to the request (YARN 3.0+, K8s 3.1+: YarnAllocator's
      // executorOffHeapMemory, Utils.executorOffHeapMemorySizeAsMb, in whole MiB) or where there is no
      // container (the JVM's memory): only there does the container grow with it, by the difference.
      const counted = l.executor.container - l.executor.heap - l.executor.overhead - l.executor.pyspark;
      const nextCounted = counted > 0 ? Math.ceil(next / MiB) * MiB : 0;
      needs.push(
        settingNeed('spark.memory.offHeap.size', sizeConf(next), { compare: 'at-least', unit: 'bytes' }, 'offheap-grow', {
          slots: l.params.slots,
          container: l.executor.container - counted + nextCounted,
        }),
      );
    } else if (tree.pool !== null) {
      // The pool the message states is the truth about that run, with or without a configuration.
      const next = roundUp(tree.pool * POLICY.offHeapGrowth.value, POLICY.heapStep.value);
      needs.push(
        settingNeed('spark.memory.offHeap.size', sizeConf(next), { compare: 'at-least', unit: 'bytes' }, 'offheap-stated', {
          stated: tree.pool,
          taskCap: tree.taskCap,
        }),
      );
      // The size counts only with the pool switched on (MemoryManager: tungstenMemoryMode). Gluten runs only
      // with it on, and its printed pool makes it a fact of the log (containerlogs/scanner.ts): this asks for
      // it where nothing says so.
      if (ctx.app.effectiveConf['spark.memory.offHeap.enabled']?.trim().toLowerCase() !== 'true')
        needs.push(settingNeed('spark.memory.offHeap.enabled', 'true', { compare: 'equals', unit: 'text' }, 'offheap-enable'));
    } else {
      advice.push(fix('spark.memory.offHeap.size', null, null, 'offheap-raise'));
    }
    const dump = dumpOf(matches);
    const evidence: Evidence[] = [...(tree.evidence ? [tree.evidence] : []), ...(dump ? [holderEvidence(dump)] : [])];
    report(reportFrom(matches, roleOf(matches), 'offHeap', 'high', { needs, advice }, evidence));
  },
});

interface Node {
  depth: number;
  name: string;
  used: number;
}

/** The pool, the task's cap and the consumer tree Gluten printed with the refusal. */
function nativeTree(matches: Match[]): { pool: number | null; taskCap: number | null; evidence: Evidence | null } {
  for (const { signal } of matches) {
    const text = signal.text;
    const pool = POOL.exec(text);
    const cap = TASK_CAP.exec(text);
    const nodes: Node[] = [];
    let first: number | null = null;
    for (const m of text.matchAll(NODE)) {
      first ??= m.index;
      const used = parseHumanSize(m[3]!);
      if (used !== null) nodes.push({ depth: m[1]!.length / 3 + (/^[\t ]*[+\\]- /.test(m[0]) ? 1 : 0), name: m[2]!.trim(), used });
    }
    if (!pool && !cap && nodes.length === 0) continue;
    const root = nodes[0] ?? null;
    const under = nodes.slice(1).filter((n) => !WRAPPER.test(n.name));
    // The largest node under the task; the deeper one on a tie (it says more).
    const largest = under.reduce<Node | null>((a, n) => (!a || n.used > a.used || (n.used === a.used && n.depth > a.depth) ? n : a), null);
    const op = under.filter((n) => n.name.startsWith('op.')).reduce<Node | null>((a, n) => (!a || n.used > a.used ? n : a), null);
    const taskCap = cap ? parseHumanSize(cap[1]!) : null;
    const poolBytes = pool ? parseHumanSize(pool[1]!) : null;
    return {
      pool: poolBytes,
      taskCap,
      evidence: {
        at: lineOf(signal, 0, first ?? pool?.index ?? cap?.index ?? 0),
        messageId: 'native-memory',
        data: {
          task: root?.name ?? null,
          used: root?.used ?? null,
          taskCap,
          pool: poolBytes,
          largest: largest?.name ?? null,
          largestBytes: largest?.used ?? null,
          operator: op?.name ?? null,
          operatorBytes: op?.used ?? null,
        },
      },
    };
  }
  return { pool: null, taskCap: null, evidence: null };
}

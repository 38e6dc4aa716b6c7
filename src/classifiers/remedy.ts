import type { Remediation } from '../findings.js';
import { MiB, parseSize } from '../memory/index.js';
import type { Need } from '../plan/needs.js';
import { defaultOf, keyStatus } from '../plan/keys.js';
import { heapCapacity } from '../plan/oops.js';
import type { AppState } from '../state/app.js';
import type { ClassifierContext } from './define.js';
import { POLICY } from './policy.js';
import type { HeapWhy, RemedyData, RemedyId, RemedyMessage } from './remedies.js';

/**
 * What classifiers say is needed, and their advice. A need is anchored to what the log observed or
 * to the layout the application ran with (ctx.layout, without the user's --conf): the planner
 * (src/plan/solve.ts) meets the needs of all findings at once, in settings that exist for the
 * application's version and cluster manager. Advice is a coded remediation without a value.
 */
export function roundUp(bytes: number, step: number): number {
  return Math.ceil(bytes / step) * step;
}

/** A remediation without a value: advice, or a setting not to touch (conf set, suggested null). */
export function fix<K extends RemedyId>(
  conf: string | null,
  current: string | null,
  suggested: string | null,
  messageId: K,
  ...data: RemedyData[K] extends Record<string, never> ? [] : [RemedyData[K]]
): Remediation {
  return { conf, current, suggested, messageId, data: data[0] ?? {} } as Remediation;
}

const reason = <K extends RemedyId>(
  messageId: K,
  ...data: RemedyData[K] extends Record<string, never> ? [] : [RemedyData[K]]
): RemedyMessage => ({ messageId, data: data[0] ?? {} }) as RemedyMessage;

/**
 * Room outside the executor heap. With YARN's "X of Y physical memory used": POLICY.headroom above what
 * the process used outside the heap. Without a figure (OOMKilled, exit 137): the room it had, grown by
 * POLICY.overheadGrowth. `limit` is the message's when it states one (the truth about that run), else
 * the configuration's.
 */
export function roomNeed(ctx: ClassifierContext, used: number | null, statedLimit: number | null): Need | null {
  const l = ctx.layout;
  if (!l) return null;
  const heap = l.executor.heap;
  const limit = statedLimit ?? l.executor.container;
  const had = limit - heap;
  const margin = used !== null ? POLICY.headroom.value : POLICY.overheadGrowth.value;
  const wanted = used !== null ? (used - heap) * margin : had * margin;
  // Never less than it had plus a step: it was killed at that room.
  const room = Math.ceil(Math.max(wanted, had + POLICY.overheadStep.value));
  return {
    kind: 'executor-room',
    room,
    basis: { used, limit, limitFrom: statedLimit !== null ? 'message' : 'configuration', heap, margin },
  };
}

/**
 * Room outside the driver's heap, for a killed driver container (the YARN application master: the
 * driver itself in cluster mode). The AM's heap is spark.yarn.am.memory in client mode.
 */
export function driverRoomNeed(ctx: ClassifierContext, used: number | null, statedLimit: number | null): Need | null {
  const l = ctx.layout;
  if (!l) return null;
  const client = l.clusterManager === 'yarn' && l.deployMode === 'client';
  const heap = client ? parseSizeOr(ctx.app.effectiveConf['spark.yarn.am.memory'], 2 ** 20, 512 * 2 ** 20) : l.driver.heap;
  const limit = statedLimit ?? (client ? heap + 384 * 2 ** 20 : l.driver.container);
  const had = limit - heap;
  const margin = used !== null ? POLICY.headroom.value : POLICY.overheadGrowth.value;
  const room = Math.ceil(Math.max(used !== null ? (used - heap) * margin : had * margin, had + POLICY.overheadStep.value));
  return { kind: 'driver-room', room, basis: { used, limit, limitFrom: statedLimit !== null ? 'message' : 'configuration', heap, margin } };
}

/** The memory limit of the executor pods, as kubectl showed it (the truth about that run, like YARN's message). */
export function podLimit(ctx: ClassifierContext): number | null {
  const limits = ctx.app.learnt.filter(
    (f): f is Extract<typeof f, { kind: 'pod-limit' }> => f.kind === 'pod-limit' && !/-driver$/.test(f.pod ?? ''),
  );
  return limits.length > 0 ? Math.max(...limits.map((f) => f.bytes)) : null;
}

/**
 * A bigger executor heap: POLICY.heapGrowth above what the heap it ran with held (a heap past the
 * compressed-pointer limit holds less than its size: plan/oops.ts), in whole GiB, for the tasks it ran.
 */
export function heapNeed(ctx: ClassifierContext, why: HeapWhy): Need | null {
  const l = ctx.layout;
  if (!l) return null;
  return {
    kind: 'executor-heap',
    heap: roundUp(heapCapacity(l.executor.heap) * POLICY.heapGrowth.value, POLICY.heapStep.value),
    why,
    cores: l.executor.cores,
  };
}

/** A bigger share of execution memory for each task: POLICY.heapGrowth above its share in that run. */
export function taskNeed(ctx: ClassifierContext, why: HeapWhy): Need | null {
  const l = ctx.layout;
  if (!l) return null;
  return {
    kind: 'task-execution',
    perTask: Math.ceil(l.executor.perTaskMax * POLICY.heapGrowth.value),
    perTaskBefore: l.executor.perTaskMax,
    why,
  };
}

/**
 * A bigger driver heap after an OOM: POLICY.driverGrowth times the heap it ran with. (Results the driver
 * must hold are sized from the results instead: max-result-size.)
 */
export function driverHeapNeed(ctx: ClassifierContext, why: 'oom' | 'broadcast'): Need | null {
  const l = ctx.layout;
  if (!l) return null;
  return {
    kind: 'driver-heap',
    heap: roundUp(l.driver.heap * POLICY.driverGrowth.value, POLICY.heapStep.value),
    reason: why,
  };
}

/** A setting need; `stages` are where the failure was seen (for SQL settings). */
export function settingNeed<K extends RemedyId>(
  key: string,
  value: string,
  opts: { compare?: 'at-least' | 'at-most' | 'equals'; unit?: 'bytes' | 'mib' | 'number' | 'text'; sql?: boolean; stages?: string[] },
  messageId: K,
  ...data: RemedyData[K] extends Record<string, never> ? [] : [RemedyData[K]]
): Need {
  return {
    kind: 'setting',
    key,
    value,
    compare: opts.compare ?? 'equals',
    unit: opts.unit ?? 'text',
    sql: opts.sql ?? key.startsWith('spark.sql.'),
    stages: opts.stages ?? [],
    reason: reason(messageId, ...data),
  };
}

/** More, smaller shuffle partitions (SQL): POLICY.partitionGrowth times what the application ran with. */
export function partitionsNeed(app: AppState, stages: string[]): Need {
  const dflt = POLICY.sqlShufflePartitions.value;
  const cur = Number(app.sparkProperties['spark.sql.shuffle.partitions'] ?? String(dflt));
  const next = (Number.isFinite(cur) && cur > 0 ? cur : dflt) * POLICY.partitionGrowth.value;
  return settingNeed(
    'spark.sql.shuffle.partitions',
    String(next),
    { compare: 'at-least', unit: 'number', sql: true, stages },
    'more-partitions',
  );
}

/**
 * Smaller input splits for stages that read files, not shuffle output (spark.sql.shuffle.partitions
 * changes only the stages after a shuffle): POLICY.partitionGrowth times fewer bytes per task than the
 * application ran with. Plain bytes: the key took no unit suffix before 2.4 (keys-table.ts). From 2.0;
 * the plan says it is unmet on earlier versions.
 */
export function inputSplitNeed(app: AppState, stages: string[]): Need {
  return settingNeed(
    'spark.sql.files.maxPartitionBytes',
    String(smallerSplits(app).next),
    { compare: 'at-most', unit: 'bytes', sql: true, stages },
    'smaller-input-splits',
  );
}

/** The application's file split size (`cur`, bytes) and POLICY.partitionGrowth times less (`next`): inputSplitNeed, gpu-oom. */
export function smallerSplits(app: AppState): { cur: number; next: number } {
  const cur = parseSizeOr(app.sparkProperties['spark.sql.files.maxPartitionBytes'], 1, POLICY.filesMaxPartitionBytes.value);
  return { cur, next: Math.floor((cur > 0 ? cur : POLICY.filesMaxPartitionBytes.value) / POLICY.partitionGrowth.value) };
}

/**
 * AQE's skew-join splitting, where it exists (3.0+) and is not already on: skewJoin is on by default
 * from 3.0 but acts only with spark.sql.adaptive.enabled, which is on by default only from 3.2
 * (SQLConf; keys-table.ts). Null when it is on already, or the version has no such thing.
 */
export function skewNeed(ctx: ClassifierContext, stages: string[]): Need | null {
  const app = { sparkVersion: ctx.app.sparkVersion, manager: ctx.app.clusterManager, deployMode: ctx.layout?.deployMode ?? null };
  if (keyStatus('spark.sql.adaptive.skewJoin.enabled', app) !== 'ok') return null;
  const props = ctx.app.sparkProperties;
  if ((props['spark.sql.adaptive.skewJoin.enabled'] ?? '').trim().toLowerCase() === 'false') {
    return settingNeed('spark.sql.adaptive.skewJoin.enabled', 'true', { sql: true, stages }, 'adaptive-skew');
  }
  if (!aqeOn(ctx.app)) return settingNeed('spark.sql.adaptive.enabled', 'true', { sql: true, stages }, 'adaptive-skew');
  return null;
}

/** Whether adaptive query execution ran: spark.sql.adaptive.enabled as set, else its default for the version (on from 3.2). */
export function aqeOn(app: AppState): boolean {
  const v = app.sparkProperties['spark.sql.adaptive.enabled'] ?? defaultOf('spark.sql.adaptive.enabled', app.sparkVersion) ?? 'false';
  return v.trim().toLowerCase() === 'true';
}

/**
 * Advice for a container kill: keep the heap. When the overhead is a factor of the heap (no explicit
 * overhead), a bigger heap does add `factor` × the increase outside it — but the container grows by
 * (1 + factor) × the increase for it, where the overhead alone would do. While the overhead sits at
 * its minimum (384 MiB unless set), a bigger heap adds nothing outside it until factor × heap passes
 * that minimum: `minimum` is then the minimum and `until` the heap where the factor takes over.
 */
export function keepHeapAdvice(ctx: ClassifierContext): Remediation | null {
  const l = ctx.layout;
  if (!l) return null;
  const d = l.notes.find((n) => n.code === 'overhead-default' && n.data.role === 'executor')?.data;
  const factor = typeof d?.factor === 'number' ? d.factor : null;
  const minMiB = typeof d?.minMiB === 'number' ? d.minMiB : null;
  const atMinimum = factor !== null && factor > 0 && minMiB !== null && d?.overheadMiB === minMiB;
  return fix('spark.executor.memory', null, null, 'keep-heap-container-kill', {
    factor,
    minimum: atMinimum ? minMiB * MiB : null,
    until: atMinimum ? Math.ceil(minMiB / factor) * MiB : null,
  });
}

export function maxPeak(app: AppState, metric: string): number | null {
  let best: number | null = null;
  for (const e of app.executors.values()) {
    const v = e.peaks[metric];
    if (v !== undefined && v > 0 && (best === null || v > best)) best = v;
  }
  return best;
}

/** A size setting's bytes, or the default when unset or unparseable (Spark would refuse the latter at startup). */
export function parseSizeOr(value: string | undefined, unit: number, dflt: number): number {
  if (value === undefined) return dflt;
  try {
    return parseSize('', value, unit);
  } catch {
    return dflt;
  }
}

export { sizeConf } from '../plan/solve.js';

import type { HeapWhy, LayoutProblem, RemedyMessage } from '../classifiers/remedies.js';
import { POLICY } from '../classifiers/policy.js';
import { GiB, MiB, parseSize, type MemoryLayout } from '../memory/index.js';
import { adminFile, defaultOf, keyStatus, type AppContext, type KeyStatus } from './keys.js';
import type { Need, SettingUnit } from './needs.js';
import { heapCapacity, heapToReach, inOopsBand, uncompressedHeapFor } from './oops.js';

/** One setting of a plan: its value now (null: unset) and to be, and why. */
interface PlanChange {
  key: string;
  from: string | null;
  to: string;
  reason: RemedyMessage;
  /** The findings whose needs this change meets. */
  findings: string[];
}

interface AdminChange {
  file: string;
  key: string;
  value: string;
  reason: RemedyMessage;
}

/** How a plan meets the executor's needs, for its summary. */
type Strategy = 'shift-heap-to-overhead' | 'raise-overhead' | 'pyspark-memory' | 'fewer-cores' | 'more-heap';

/**
 * A set of changes to apply together and what they make of the application: the containers and the
 * cluster memory before (as it runs now) and after, and whether the layout after holds every need.
 * Without a layout (no event log and no executor heap) the plan holds only the changes that need none
 * (settings, the driver's heap): the executor, driver and cluster sizes are null, and `noLayout` says why.
 */
export interface PlanData {
  conf: Record<string, string>;
  changes: PlanChange[];
  admin: AdminChange[];
  strategies: Strategy[];
  executor: { containerBefore: number; containerAfter: number; heapBefore: number; heapAfter: number } | null;
  driver: { containerBefore: number; containerAfter: number } | null;
  executors: number | null;
  clusterMemoryBefore: number | null;
  clusterMemoryAfter: number | null;
  /** Every need is met by the layout after (cluster-side changes aside, which the layout cannot show). */
  holds: boolean;
  /** Why the sizes before → after are not computed (the layout is unknown); null when they are. */
  noLayout: LayoutProblem | null;
  /** Needs no change could meet here, with why. */
  unmet: Array<{ finding: string; need: Need; why: KeyStatus | 'no-layout' | 'refused' | 'sql-not-run' | 'manager-unknown' }>;
}

export interface PlanInput {
  needs: Array<{ finding: string; need: Need }>;
  /** The configuration in effect now: the log's, with the user's --conf over it. */
  conf: Record<string, string>;
  /** Its layout; null when it cannot be computed (`noLayout` says why): then only settings are planned. */
  now: MemoryLayout | null;
  /** Why `now` is null. */
  noLayout?: LayoutProblem | null;
  /** The layout with `extra` settings over `conf`; null when Spark would refuse them (or there is no layout). */
  layoutWith: (extra: Record<string, string>) => MemoryLayout | null;
  app: AppContext;
  /** The highest JVMHeapMemory any executor reported, and Python workers' RSS: what a shrink must keep. */
  heapPeak: number | null;
  pythonRssPeak: number | null;
  /** Executors alive at once (the log's), for cluster memory. */
  executors: number | null;
  /** Whether the stages a SQL setting would touch ran SQL: stage ids of SQL jobs, and whether any SQL ran. */
  sqlStageIds: ReadonlySet<number>;
  /** Whether the application ran SQL; null when no event log was read to say. */
  sqlRan: boolean | null;
}

/** A plan's input with the layout known. */
type WithLayout = PlanInput & { now: MemoryLayout };

/** Options that tell the alternatives apart. */
interface Options {
  /** Meet an execution need by fewer cores (else by more heap). */
  taskByCores: boolean;
  /** Meet a room need by moving heap to the overhead (when the heap's peak leaves room), by the overhead alone, or by PySpark memory. */
  roomBy: 'shift' | 'raise' | 'pyspark';
}

const ALL_OPTIONS: Options[] = [
  { taskByCores: true, roomBy: 'shift' },
  { taskByCores: true, roomBy: 'raise' },
  { taskByCores: false, roomBy: 'shift' },
  { taskByCores: false, roomBy: 'raise' },
  { taskByCores: true, roomBy: 'pyspark' },
  { taskByCores: false, roomBy: 'pyspark' },
];

/** A heap is never cut below this by a move to the overhead or a trim: our choice (POLICY.underusedFloor). */
const MIN_HEAP = POLICY.underusedFloor.value;

/**
 * The plan: among the ways to meet every need (execution by fewer cores or by more heap; container
 * room by moving heap the log shows unused to the overhead, by more overhead, or by PySpark memory),
 * the one that holds with the least cluster memory; the others that hold are the alternatives, each
 * complete on its own. Null when there is nothing to meet.
 */
export function solve(input: PlanInput): { plan: PlanData | null; alternatives: PlanData[] } {
  if (input.needs.length === 0) return { plan: null, alternatives: [] };
  const { now } = input;
  if (now === null) return { plan: buildWithoutLayout(input), alternatives: [] };
  const built: PlanData[] = [];
  for (const o of ALL_OPTIONS) {
    const p = build({ ...input, now }, o);
    if (p && !built.some((b) => sameConf(b.conf, p.conf))) built.push(p);
  }
  if (built.length === 0) return { plan: null, alternatives: [] };
  const cost = (p: PlanData): number => p.clusterMemoryAfter ?? p.executor?.containerAfter ?? 0;
  built.sort((a, b) => Number(b.holds) - Number(a.holds) || cost(a) - cost(b) || a.changes.length - b.changes.length);
  const [plan, ...rest] = built;
  return { plan: plan!, alternatives: rest.filter((p) => p.holds).slice(0, 3) };
}

function sameConf(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const roundUp = (bytes: number, step: number): number => Math.ceil(bytes / step) * step;
const mibValue = (bytes: number): string => String(Math.ceil(bytes / MiB));
/** A size as a --conf value: whole GiB as "Ng", otherwise whole MiB as "Nm". */
export const sizeConf = (bytes: number): string => (bytes % GiB === 0 ? `${bytes / GiB}g` : `${Math.ceil(bytes / MiB)}m`);

/** What a plan accumulates: the settings, the cluster-side changes and the needs left unmet. */
interface Draft {
  conf: Record<string, string>;
  changes: Map<string, PlanChange>;
  admin: Map<string, AdminChange>;
  unmet: PlanData['unmet'];
  /** Sets `key` to `to` for `finding`'s need; false when the key does nothing for this application. */
  set: (key: string, to: string, reason: RemedyMessage, finding: string) => boolean;
  ofKind: <K extends Need['kind']>(k: K) => Array<{ finding: string; need: Extract<Need, { kind: K }> }>;
}

function draft(input: PlanInput): Draft {
  const { app, needs } = input;
  const conf: Record<string, string> = {};
  const changes = new Map<string, PlanChange>();
  return {
    conf,
    changes,
    admin: new Map(),
    unmet: [],
    set: (key, to, reason, finding) => {
      const status = keyStatus(key, app);
      if (status !== 'ok' && status !== 'unknown') return false;
      conf[key] = to;
      const prev = changes.get(key);
      changes.set(key, { key, from: valueNow(input, key), to, reason, findings: [...new Set([...(prev?.findings ?? []), finding])] });
      return true;
    },
    ofKind: <K extends Need['kind']>(k: K) =>
      needs.filter((n): n is { finding: string; need: Extract<Need, { kind: K }> } => n.need.kind === k),
  };
}

/**
 * The plan when the layout is unknown: the settings that are not region sizes, the cluster-side ones
 * and the driver's heap (its own setting, known or not), which no layout is needed to state. Needs of
 * the executor's regions and containers are left unmet ('no-layout'): sizing them takes the heap.
 */
function buildWithoutLayout(input: PlanInput): PlanData {
  const d = draft(input);
  planSettings(input, d);
  const driverHeap = maxOf(d.ofKind('driver-heap'), (n) => n.need.heap);
  if (driverHeap && !driverHeapMet(input, d.conf, driverHeap.need)) setDriverHeap(d, driverHeap);
  // A heap need with a size of its own (the minimum Spark states when it refuses a heap) is a setting too;
  // one that shares the heap among fewer tasks, or goes past the compressed-pointer band, takes the layout.
  const heapNeed = maxOf(d.ofKind('executor-heap'), (n) => n.need.heap);
  const heapTarget = heapNeed ? roundUp(heapToReach(heapNeed.need.heap), POLICY.heapStep.value) : 0;
  const sized = heapNeed !== null && !inOopsBand(heapTarget);
  if (heapNeed && sized && !needMet(input, null, d.conf, heapNeed.need))
    d.set(
      heapKeyOf(input.app),
      sizeConf(heapTarget),
      { messageId: 'more-heap', data: { why: heapNeed.need.why, container: null } },
      heapNeed.finding,
    );
  for (const n of input.needs)
    if (
      n.need.kind !== 'setting' &&
      n.need.kind !== 'admin' &&
      n.need.kind !== 'driver-heap' &&
      n.need.kind !== 'heap-trim' &&
      !(n.need.kind === 'executor-heap' && sized)
    )
      d.unmet.push({ finding: n.finding, need: n.need, why: 'no-layout' });
  for (const n of input.needs)
    if (!needMet(input, null, d.conf, n.need) && !d.unmet.some((u) => u.need === n.need))
      d.unmet.push({ finding: n.finding, need: n.need, why: 'refused' });
  return {
    conf: d.conf,
    changes: [...d.changes.values()],
    admin: [...d.admin.values()],
    strategies: [],
    executor: null,
    driver: null,
    executors: input.executors,
    clusterMemoryBefore: null,
    clusterMemoryAfter: null,
    holds: d.unmet.every((u) => u.why === 'sql-not-run'),
    noLayout: input.noLayout ?? { code: 'heap-unknown' },
    unmet: d.unmet,
  };
}

/** Settings that are not region sizes (the stronger of two needs of one key), and cluster-side ones. */
function planSettings(input: PlanInput, d: Draft): void {
  const { app } = input;
  const { unmet, admin, set, ofKind } = d;
  const bestSetting = new Map<string, { finding: string; need: Extract<Need, { kind: 'setting' }> }>();
  for (const n of ofKind('setting')) {
    const prev = bestSetting.get(n.need.key);
    // Two needs of one setting: the stronger wins (the higher at-least, the lower at-most).
    const stronger =
      prev &&
      n.need.compare !== 'equals' &&
      Math.sign(compareSetting(n.need.key, n.need.value, prev.need.value, n.need.unit)) === (n.need.compare === 'at-least' ? 1 : -1);
    if (!prev || stronger) bestSetting.set(n.need.key, n);
  }
  for (const { finding, need } of bestSetting.values()) {
    if (need.sql && !sqlApplies(input, need.stages)) {
      unmet.push({ finding, need, why: 'sql-not-run' });
      continue;
    }
    if (settingMet(input.conf, app, need)) continue;
    if (!set(need.key, need.value, need.reason, finding)) unmet.push({ finding, need, why: keyStatus(need.key, app) });
  }
  for (const { need } of ofKind('admin'))
    admin.set(need.key, {
      file: adminFile(need.key) ?? (need.key.startsWith('yarn.') ? 'yarn-site.xml' : 'kubelet'),
      key: need.key,
      value: need.value,
      reason: need.reason,
    });
}

/** The setting that sizes the executors' heap: the driver's in local mode (one JVM). */
const heapKeyOf = (app: AppContext): string => (app.manager === 'local' ? 'spark.driver.memory' : 'spark.executor.memory');

/** Raises the driver heap to meet `n`: to what it asks, or past the compressed-pointer band when it asks for a heap inside it. */
function setDriverHeap(d: Draft, n: { finding: string; need: Extract<Need, { kind: 'driver-heap' }> }): void {
  const target = roundUp(heapToReach(n.need.heap), MiB);
  if (!inOopsBand(target)) {
    d.set('spark.driver.memory', sizeConf(target), driverHeapReason(n.need.reason), n.finding);
    return;
  }
  // The driver has no tasks to share it among: past the compressed-pointer band, or nothing gained.
  const heap = roundUp(uncompressedHeapFor(n.need.heap), POLICY.heapStep.value);
  d.set(
    'spark.driver.memory',
    sizeConf(heap),
    {
      messageId: 'heap-past-oops-band',
      data: { role: 'driver', why: null, heap, need: target, limit: POLICY.compressedOopsMax.value, container: null },
    },
    n.finding,
  );
}

/**
 * The driver heap in effect: the layout's, else (no layout) the spark.driver.memory the configuration
 * states — null when nothing states it (a default would pass for a fact).
 */
function driverHeapNow(input: PlanInput, conf: Record<string, string>, l: MemoryLayout | null): number | null {
  if (l) return l.driver.heap;
  return sizeOrNull({ ...input.conf, ...conf }['spark.driver.memory'], MiB);
}

function driverHeapMet(input: PlanInput, conf: Record<string, string>, need: Extract<Need, { kind: 'driver-heap' }>): boolean {
  const heap = driverHeapNow(input, conf, null);
  return heap !== null && heapCapacity(heap) >= heapToReach(need.heap);
}

function build(input: WithLayout, o: Options): PlanData | null {
  const { now, app } = input;
  const d = draft(input);
  const { conf, changes, admin, unmet, set, ofKind } = d;
  const strategies = new Set<Strategy>();
  const layout = (): MemoryLayout | null => input.layoutWith(conf);
  const needs = input.needs;
  planSettings(input, d);

  // --- the driver ------------------------------------------------------------------------------------
  const driverHeap = maxOf(ofKind('driver-heap'), (n) => n.need.heap);
  if (driverHeap && heapCapacity(now.driver.heap) < heapToReach(driverHeap.need.heap)) setDriverHeap(d, driverHeap);
  const driverRoom = maxOf(ofKind('driver-room'), (n) => n.need.room);
  if (driverRoom) {
    const k = driverRoomKey(app);
    const current = driverRoomNow(input, layout() ?? now);
    if (current < driverRoom.need.room) {
      const next = roundUp(driverRoom.need.room, POLICY.overheadStep.value);
      set(
        k.key,
        k.intMiB ? mibValue(next) : sizeConf(next),
        { messageId: 'driver-overhead', data: { used: driverRoom.need.basis.used } },
        driverRoom.finding,
      );
    }
  }

  // --- the executor heap and each task's share of it -----------------------------------------------------
  const heapKey = heapKeyOf(app);
  const heapNeed = maxOf(ofKind('executor-heap'), (n) => n.need.heap);
  /** Raises the executor heap to `bytes`, for `why`; the reason says the container it makes. */
  const moreHeap = (bytes: number, why: HeapWhy, finding: string): void => {
    const after = input.layoutWith({ ...conf, [heapKey]: sizeConf(bytes) });
    const container = after?.executor.container ?? now.executor.container;
    set(heapKey, sizeConf(bytes), { messageId: 'more-heap', data: { why, container } }, finding);
    strategies.add('more-heap');
  };
  if (heapNeed && !heapMet(now, heapNeed.need)) {
    const { need, finding } = heapNeed;
    const target = roundUp(heapToReach(need.heap), POLICY.heapStep.value);
    const limit = POLICY.compressedOopsHeap.value;
    // Past the compressed-pointer limit a heap holds less than its size (plan/oops.ts): keep it at the
    // limit and share it among fewer tasks, each getting the share `need` would have given the tasks it
    // ran; only when fewer tasks cannot do it, a heap past the band that holds as much.
    const cores = need.cores !== null ? Math.floor((limit * need.cores) / need.heap) : 0;
    const coresNow = (layout() ?? now).executor.cores;
    if (target <= limit) moreHeap(target, need.why, finding);
    else if (o.taskByCores && cores >= 1) {
      if ((layout() ?? now).executor.heap < limit) moreHeap(limit, need.why, finding);
      if (cores < coresNow) {
        set(
          'spark.executor.cores',
          String(cores),
          {
            messageId: 'heap-at-oops-limit',
            data: { heap: limit, need: target, cores, coresBefore: coresNow, limit: POLICY.compressedOopsMax.value },
          },
          finding,
        );
        strategies.add('fewer-cores');
      }
    } else {
      const heap = roundUp(uncompressedHeapFor(need.heap), POLICY.heapStep.value);
      const after = input.layoutWith({ ...conf, [heapKey]: sizeConf(heap) });
      set(
        heapKey,
        sizeConf(heap),
        {
          messageId: 'heap-past-oops-band',
          data: {
            role: 'executor',
            why: need.why,
            heap,
            need: target,
            limit: POLICY.compressedOopsMax.value,
            container: after?.executor.container ?? now.executor.container,
          },
        },
        finding,
      );
      strategies.add('more-heap');
    }
  }
  const taskNeed = maxOf(ofKind('task-execution'), (n) => n.need.perTask);
  if (taskNeed && (layout() ?? now).executor.perTaskMax < taskNeed.need.perTask) {
    const met = o.taskByCores ? fewerCores(input, conf, taskNeed.need.perTask) : null;
    if (met) {
      set(
        'spark.executor.cores',
        String(met.cores),
        { messageId: 'fewer-cores', data: { share: met.share, perTaskMax: now.executor.perTaskMax, outsideHeap: null } },
        taskNeed.finding,
      );
      strategies.add('fewer-cores');
    } else {
      const found = heapForTasks(input, conf, heapKey, taskNeed.need.perTask);
      if (found !== null && found.band === null) moreHeap(found.heap, taskNeed.need.why, taskNeed.finding);
      else if (found !== null) {
        const after = input.layoutWith({ ...conf, [heapKey]: sizeConf(found.heap) });
        set(
          heapKey,
          sizeConf(found.heap),
          {
            messageId: 'heap-past-oops-band',
            data: {
              role: 'executor',
              why: taskNeed.need.why,
              heap: found.heap,
              need: found.band ?? found.heap,
              limit: POLICY.compressedOopsMax.value,
              container: after?.executor.container ?? now.executor.container,
            },
          },
          taskNeed.finding,
        );
        strategies.add('more-heap');
      }
    }
  }

  // --- room outside the executor heap ----------------------------------------------------------------------
  const roomNeed = maxOf(ofKind('executor-room'), (n) => n.need.room);
  const heapPressure = heapNeed !== null || taskNeed !== null;
  if (roomNeed) {
    const l = layout() ?? now;
    const room = l.executor.container - l.executor.heap;
    // The overhead after, in steps a person would type; the room it adds is what it grows by.
    const delta = roundUp(l.executor.overhead + roomNeed.need.room - room, POLICY.overheadStep.value) - l.executor.overhead;
    const ov = overheadKey(app);
    const short = room < roomNeed.need.room;
    const grown = short
      ? input.layoutWith({ ...conf, [ov.key]: ov.intMiB ? mibValue(l.executor.overhead + delta) : sizeConf(l.executor.overhead + delta) })
      : null;
    if (grown !== null && grown.executor.container <= l.executor.container) {
      // No container counts the overhead here (an unknown cluster manager, or one without containers):
      // no setting gives the executor more room, and proposing one would only move the overhead about.
      unmet.push({ finding: roomNeed.finding, need: roomNeed.need, why: app.manager === 'unknown' ? 'manager-unknown' : 'not-on-manager' });
      if (o.roomBy !== 'raise') return null;
    } else if (short) {
      const keep = input.heapPeak !== null ? Math.ceil(input.heapPeak * POLICY.headroom.value) : null;
      const basis = roomNeed.need.basis;
      const raiseReason = (overhead: number, container: number): RemedyMessage => ({
        messageId: 'raise-overhead',
        data: {
          used: basis.used,
          limit: basis.limit,
          limitFrom: basis.limitFrom,
          outsideHeap: basis.used !== null ? Math.max(0, basis.used - basis.heap) : null,
          margin: basis.margin,
          room: roomNeed.need.room,
          overhead,
          container,
        },
      });
      // A heap moved into the band past the compressed-pointer limit holds less than its size: not a shift to offer.
      const shiftable = keep !== null && l.executor.heap - delta >= Math.max(keep, MIN_HEAP) && !inOopsBand(l.executor.heap - delta);
      if (o.roomBy === 'shift' && !heapPressure && shiftable) {
        const heap = l.executor.heap - delta;
        const overhead = l.executor.overhead + delta;
        set(
          heapKey,
          sizeConf(heap),
          {
            messageId: 'shift-heap-to-overhead',
            data: { peak: input.heapPeak!, heapBefore: l.executor.heap, heap, overhead, container: l.executor.container },
          },
          roomNeed.finding,
        );
        set(ov.key, ov.intMiB ? mibValue(overhead) : sizeConf(overhead), raiseReason(overhead, l.executor.container), roomNeed.finding);
        strategies.add('shift-heap-to-overhead');
      } else if (o.roomBy === 'pyspark' && now.python.sparkFlag && keyStatus('spark.executor.pyspark.memory', app) === 'ok') {
        // Python workers get a limit of their own (worker.py's RLIMIT_AS); the JVM keeps the overhead.
        const py = roundUp(
          Math.max((input.pythonRssPeak ?? delta) * POLICY.headroom.value, POLICY.pysparkMin.value, delta),
          POLICY.pysparkStep.value,
        );
        const after = input.layoutWith({ ...conf, 'spark.executor.pyspark.memory': sizeConf(py) });
        if (!after || after.executor.pyspark === 0) return null;
        set(
          'spark.executor.pyspark.memory',
          sizeConf(py),
          { messageId: 'pyspark-own-memory', data: { pyspark: py, container: after.executor.container } },
          roomNeed.finding,
        );
        strategies.add('pyspark-memory');
      } else if (o.roomBy !== 'pyspark') {
        const overhead = l.executor.overhead + delta;
        const after = input.layoutWith({ ...conf, [ov.key]: ov.intMiB ? mibValue(overhead) : sizeConf(overhead) });
        set(
          ov.key,
          ov.intMiB ? mibValue(overhead) : sizeConf(overhead),
          raiseReason(overhead, after?.executor.container ?? l.executor.container + delta),
          roomNeed.finding,
        );
        strategies.add('raise-overhead');
      } else return null;
    } else if (o.roomBy !== 'raise') return null; // nothing to choose between: one plan is enough
  } else if (o.roomBy !== 'raise') return null;
  if (!taskNeed && !o.taskByCores) return null;

  // --- a heap the log shows half empty --------------------------------------------------------------------
  const trim = ofKind('heap-trim')[0];
  // A trim into the band without compressed pointers stops at the limit's heap, which holds more (plan/oops.ts).
  const trimTo = trim ? (inOopsBand(trim.need.heap) ? POLICY.compressedOopsHeap.value : trim.need.heap) : null;
  if (trim && trimTo !== null && !heapPressure && roomNeed === null && conf[heapKey] === undefined && trimTo < now.executor.heap) {
    set(heapKey, sizeConf(trimTo), { messageId: 'shrink-heap', data: { saves: now.executor.heap - trimTo } }, trim.finding);
  }

  const after = layout();
  if (!after) return null; // Spark would refuse the combination: not a plan
  for (const n of needs)
    if (!needMet(input, after, conf, n.need) && !unmet.some((u) => u.need === n.need))
      unmet.push({ finding: n.finding, need: n.need, why: 'refused' });
  const executors = input.executors;
  const driverContainer = (l: MemoryLayout): number => (l.driver.overhead > 0 ? l.driver.container : 0);
  const cluster = (l: MemoryLayout): number | null => (executors !== null ? executors * l.executor.container + driverContainer(l) : null);
  return {
    conf,
    changes: [...changes.values()],
    admin: [...admin.values()],
    strategies: [...strategies],
    executor: {
      containerBefore: now.executor.container,
      containerAfter: after.executor.container,
      heapBefore: now.executor.heap,
      heapAfter: after.executor.heap,
    },
    driver:
      now.driver.overhead > 0 || after.driver.overhead > 0
        ? { containerBefore: now.driver.container, containerAfter: after.driver.container }
        : null,
    executors,
    clusterMemoryBefore: cluster(now),
    clusterMemoryAfter: cluster(after),
    holds: unmet.every((u) => u.need.kind === 'heap-trim' || u.why === 'sql-not-run'),
    noLayout: null,
    unmet: unmet.filter((u) => u.need.kind !== 'heap-trim'),
  };
}

/**
 * A setting's value in effect now, as spark-submit would take it: what the configuration says, else for
 * the region sizes what the layout computed (an overhead derived from the heap is still a value), else
 * the version's default.
 */
function valueNow(input: PlanInput, key: string): string | null {
  const set = input.conf[key];
  if (set !== undefined) return set;
  // Without a layout a region's size is unknown, not its default.
  if (input.now === null) return REGION_KEYS.has(key) ? null : defaultOf(key, input.app.sparkVersion);
  const { executor, driver } = input.now;
  switch (key) {
    case 'spark.executor.memory':
      return input.app.manager === 'local' ? null : sizeConf(executor.heap);
    case 'spark.driver.memory':
      return sizeConf(input.app.manager === 'local' ? executor.heap : driver.heap);
    case 'spark.executor.memoryOverhead':
      return sizeConf(executor.overhead);
    case 'spark.yarn.executor.memoryOverhead':
    case 'spark.mesos.executor.memoryOverhead':
      return mibValue(executor.overhead);
    case 'spark.driver.memoryOverhead':
      return driver.overhead > 0 ? sizeConf(driver.overhead) : null;
    case 'spark.executor.cores':
      return String(executor.cores);
    case 'spark.driver.maxResultSize':
      return sizeConf(driver.maxResultSize);
    default:
      return defaultOf(key, input.app.sparkVersion);
  }
}

/** The keys whose value now valueNow reads from the layout. */
const REGION_KEYS = new Set([
  'spark.executor.memory',
  'spark.driver.memory',
  'spark.executor.memoryOverhead',
  'spark.yarn.executor.memoryOverhead',
  'spark.mesos.executor.memoryOverhead',
  'spark.driver.memoryOverhead',
  'spark.executor.cores',
]);

function maxOf<T>(xs: T[], by: (x: T) => number): T | null {
  let best: T | null = null;
  for (const x of xs) if (best === null || by(x) > by(best)) best = x;
  return best;
}

/** Fewer cores per executor (than the plan's so far) until each task's share meets `perTask`, with the same container. */
function fewerCores(input: WithLayout, conf: Record<string, string>, perTask: number): { cores: number; share: number } | null {
  const planned = Number(conf['spark.executor.cores']);
  for (let c = (Number.isInteger(planned) && planned > 0 ? planned : input.now.executor.cores) - 1; c >= 1; c--) {
    const l = input.layoutWith({ ...conf, 'spark.executor.cores': String(c) });
    if (l && l.executor.perTaskMax >= perTask) return { cores: c, share: l.executor.perTaskMax };
  }
  return null;
}

/**
 * The smallest heap, in whole GiB, whose per-task share meets `perTask` (up to 8× the heap now), never
 * one between the compressed-pointer limit and the band's top (plan/oops.ts); `band`: the heap in that
 * band that would have met it, when the heap jumped past.
 */
function heapForTasks(
  input: WithLayout,
  conf: Record<string, string>,
  heapKey: string,
  perTask: number,
): { heap: number; band: number | null } | null {
  const start = roundUp(input.now.executor.heap + 1, POLICY.heapStep.value);
  let band: number | null = null;
  const top = (): number =>
    band === null ? input.now.executor.heap * 8 : Math.max(input.now.executor.heap * 8, POLICY.uncompressedBandTop.value);
  for (let h = start; h <= top(); h += POLICY.heapStep.value) {
    const l = input.layoutWith({ ...conf, [heapKey]: sizeConf(h) });
    if (!l || l.executor.perTaskMax < perTask) continue;
    if (!inOopsBand(h)) return { heap: h, band };
    band ??= h;
  }
  return null;
}

/** Whether a layout's executor heap meets a heap need: by what it holds, or by its share per task within the compressed-pointer limit. */
function heapMet(l: MemoryLayout, need: Extract<Need, { kind: 'executor-heap' }>): boolean {
  const holds = heapCapacity(l.executor.heap);
  if (holds >= heapToReach(need.heap)) return true;
  return (
    need.cores !== null &&
    need.heap > POLICY.compressedOopsHeap.value &&
    l.executor.heap <= POLICY.compressedOopsHeap.value &&
    holds / l.executor.cores >= need.heap / need.cores
  );
}

/**
 * The setting Spark reads for the executor overhead in this version and manager (src/memory/rules.ts):
 * spark.executor.memoryOverhead from 2.3; spark.yarn.executor.memoryOverhead before, a plain number of MiB;
 * spark.mesos.executor.memoryOverhead on Mesos, also a plain number of MiB (a unit is a startup error there).
 */
function overheadKey(app: AppContext): { key: string; intMiB: boolean } {
  if (app.manager === 'mesos') return { key: 'spark.mesos.executor.memoryOverhead', intMiB: true };
  if (keyStatus('spark.executor.memoryOverhead', app) !== 'not-yet') return { key: 'spark.executor.memoryOverhead', intMiB: false };
  return { key: 'spark.yarn.executor.memoryOverhead', intMiB: true };
}

/** The driver's: the application master's in YARN client mode; the driver's own in cluster mode. */
function driverRoomKey(app: AppContext): { key: string; intMiB: boolean } {
  if (app.manager === 'yarn' && app.deployMode === 'client') return { key: 'spark.yarn.am.memoryOverhead', intMiB: true };
  if (app.manager === 'mesos') return { key: 'spark.mesos.driver.memoryOverhead', intMiB: true };
  if (keyStatus('spark.driver.memoryOverhead', app) !== 'not-yet') return { key: 'spark.driver.memoryOverhead', intMiB: false };
  return { key: 'spark.yarn.driver.memoryOverhead', intMiB: true };
}

/** Room outside the driver's heap now: the AM's overhead in YARN client mode, else the driver container's. */
function driverRoomNow(input: PlanInput, l: MemoryLayout): number {
  const k = driverRoomKey(input.app);
  if (k.key === 'spark.yarn.am.memoryOverhead') {
    const set = input.conf[k.key];
    const am = sizeOrNull(input.conf['spark.yarn.am.memory'], MiB) ?? 512 * MiB;
    return set !== undefined ? (sizeOrNull(set, MiB) ?? 0) : Math.max(Math.floor((am / MiB) * 0.1), 384) * MiB;
  }
  return l.driver.container - l.driver.heap;
}

function driverHeapReason(reason: 'oom' | 'results' | 'broadcast'): RemedyMessage {
  if (reason === 'results') return { messageId: 'driver-holds-results', data: {} };
  if (reason === 'broadcast') return { messageId: 'driver-broadcast-heap', data: {} };
  return { messageId: 'driver-double-heap', data: {} };
}

function sizeOrNull(v: string | undefined, unit: number): number | null {
  if (v === undefined) return null;
  try {
    return parseSize('', v, unit);
  } catch {
    return null;
  }
}

/** a vs b as values of `key`: > 0 when a asks for more. */
function compareSetting(key: string, a: string, b: string, unit: SettingUnit): number {
  if (unit === 'bytes' || unit === 'mib')
    return (sizeOrNull(a, unit === 'mib' ? MiB : 1) ?? 0) - (sizeOrNull(b, unit === 'mib' ? MiB : 1) ?? 0);
  if (unit === 'number') return Number(a) - Number(b);
  return a === b ? 0 : 1;
}

/** Whether the configuration (or the version's default) already meets a setting need. */
function settingMet(conf: Record<string, string>, app: AppContext, need: Extract<Need, { kind: 'setting' }>): boolean {
  const cur = conf[need.key] ?? defaultOf(need.key, app.sparkVersion);
  if (cur === null || cur === undefined) return false;
  if (need.unit === 'text')
    return need.compare === 'equals' ? cur.trim().toLowerCase() === need.value.trim().toLowerCase() : cur.includes(need.value);
  const c = compareSetting(need.key, cur, need.value, need.unit);
  return need.compare === 'at-least' ? c >= 0 : need.compare === 'at-most' ? c <= 0 : c === 0;
}

function sqlApplies(input: PlanInput, stages: string[]): boolean {
  // Without an event log nothing says which stages ran SQL: the setting may matter.
  if (input.sqlRan === null) return true;
  if (!input.sqlRan) return false;
  if (stages.length === 0) return true;
  return stages.some((s) => input.sqlStageIds.has(Number(s.split('.')[0])));
}

/** Whether the layout after (and the settings after) meet one need. */
function needMet(input: PlanInput, l: MemoryLayout | null, conf: Record<string, string>, need: Need): boolean {
  if (l === null && need.kind === 'executor-heap') {
    // No layout: the heap the configuration states, if any (a default would pass for a fact).
    const heap = sizeOrNull({ ...input.conf, ...conf }[heapKeyOf(input.app)], MiB);
    return heap !== null && heapCapacity(heap) >= heapToReach(need.heap);
  }
  if (l === null && need.kind !== 'setting' && need.kind !== 'driver-heap') return need.kind === 'heap-trim' || need.kind === 'admin';
  switch (need.kind) {
    case 'executor-room':
      return l!.executor.container - l!.executor.heap >= need.room;
    case 'executor-heap':
      return heapMet(l!, need);
    case 'task-execution':
      return l!.executor.perTaskMax >= need.perTask;
    case 'driver-heap': {
      const heap = driverHeapNow(input, conf, l);
      return heap !== null && heapCapacity(heap) >= heapToReach(need.heap);
    }
    case 'driver-room':
      return driverRoomNow({ ...input, conf: { ...input.conf, ...conf } }, l!) >= need.room;
    case 'setting':
      return settingMet({ ...input.conf, ...conf }, input.app, need) || (need.sql && !sqlApplies(input, need.stages));
    case 'heap-trim':
    case 'admin':
      return true;
  }
}

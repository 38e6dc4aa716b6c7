import type { LayoutProblem } from '../../classifiers/remedies.js';
import { keySince } from '../../plan/keys.js';
import type { Need } from '../../plan/needs.js';
import type { PlanData } from '../../plan/solve.js';
import { fmtBytes } from '../units.js';
import { layoutProblemText } from './problems.js';

const STRATEGY: Record<PlanData['strategies'][number], string> = {
  'shift-heap-to-overhead': 'moves unused heap outside it, the container unchanged',
  'raise-overhead': 'raises the overhead',
  'pyspark-memory': 'gives the Python workers memory of their own',
  'fewer-cores': 'runs fewer tasks per executor, each with a bigger share',
  'more-heap': 'raises the heap',
};

/** "+3 GiB", "−2 GiB", "no change". */
export function delta(before: number, after: number): string {
  if (after === before) return 'no change';
  return `${after > before ? '+' : '−'}${fmtBytes(Math.abs(after - before))}`;
}

/** One sentence: what the plan does, what it costs, whether it holds. */
export function planWhy(p: PlanData): string {
  const what =
    p.strategies.length > 0
      ? p.strategies.map((s) => STRATEGY[s]).join('; ')
      : p.changes.length > 0
        ? 'changes the settings below'
        : 'changes nothing';
  const cost =
    p.clusterMemoryBefore !== null && p.clusterMemoryAfter !== null
      ? `; cluster memory ${fmtBytes(p.clusterMemoryBefore)} → ${fmtBytes(p.clusterMemoryAfter)} (${delta(p.clusterMemoryBefore, p.clusterMemoryAfter)})`
      : p.executor !== null
        ? `; executor container ${fmtBytes(p.executor.containerBefore)} → ${fmtBytes(p.executor.containerAfter)}`
        : '; containers not computed (no memory layout)';
  const holds = p.holds
    ? p.changes.length === 0 && p.admin.length === 0
      ? '; the settings in effect already hold what the log observed'
      : p.executor !== null
        ? '; the layout after holds what the log observed'
        : '; these settings meet what the log observed'
    : '; not every need can be met by settings here';
  return `${what}${cost}${holds}`;
}

/**
 * Why a plan shows no containers before → after, and what to pass to get them: the plan's settings
 * stand without a layout, the sizes do not.
 */
export function sizesUnknownText(problem: LayoutProblem): string {
  return problem.code === 'heap-unknown'
    ? `containers before → after not computed: ${layoutProblemText(problem)}. Add the application's event log, or pass ` +
        '--conf spark.executor.memory=<size> (and spark.executor.memoryOverhead if set) to get them'
    : `containers before → after not computed: ${layoutProblemText(problem)}`;
}

const NEED_WHAT: Record<Need['kind'], string> = {
  'executor-room': 'more room outside the executor heap',
  'executor-heap': 'a bigger executor heap',
  'task-execution': 'a bigger share of execution memory per task',
  'driver-heap': 'a bigger driver heap',
  'driver-room': "more room outside the driver's heap",
  setting: 'a setting',
  'heap-trim': 'a smaller heap',
  admin: 'a cluster setting',
};

/** Why a need is left unmet. */
export function unmetText(u: PlanData['unmet'][number], sparkVersion: string | null): string {
  const what = u.need.kind === 'setting' ? u.need.key : NEED_WHAT[u.need.kind];
  const v = sparkVersion !== null ? `Spark ${sparkVersion}` : 'this Spark version';
  switch (u.why) {
    case 'not-yet':
      return `${what}: ${v} has no such setting (it came later)`;
    case 'removed':
      return `${what}: ${v} no longer reads it`;
    case 'manager-unknown':
      return `${what}: the cluster manager is unknown, so no container is computed to give it room (pass --conf spark.master=yarn or k8s://…, or add the event log)`;
    case 'not-on-manager':
      return `${what}: it does nothing on this cluster manager`;
    case 'not-in-mode':
      return `${what}: it does nothing in this deploy mode`;
    case 'sql-not-run':
      return `${what}: a SQL setting, and the failing stages ran no SQL`;
    case 'no-layout':
      return `${what}: no layout to compute it from`;
    case 'refused':
    case 'ok':
    case 'unknown':
      return `${what}: no setting here meets it together with the others (${u.finding})`;
  }
}

/**
 * With the Spark version unknown the plan's keys are checked against the newest release: say so, with
 * the release each key appeared in (keys-table.ts), so a reader on an older Spark can tell. Null when the
 * version is known or nothing is set.
 */
export function versionUnknownText(p: PlanData, sparkVersion: string | null): string | null {
  if (sparkVersion !== null || p.changes.length === 0) return null;
  const keys = p.changes.map((c) => {
    const since = keySince(c.key);
    return since !== null ? `${c.key} from ${since}` : `${c.key} (release not known to spark-triage)`;
  });
  return `Spark version unknown: the keys are those of the newest release; each exists from the release named — ${keys.join(', ')}`;
}

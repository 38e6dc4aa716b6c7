import type { ClassifierContext } from './define.js';
import { AM_ID } from '../state/signals.js';
import { direct, find, parseHumanSize, type Match } from './match.js';

/**
 * YARN memory kills, in every wording (../shared/reference/MESSAGES.md §1–2): Spark's
 * YarnAllocator text (1.2–2.3 "exceeding memory limits", 2.4 with its double space, 3.0+
 * "exceeding physical|virtual memory limits") and the NodeManager's own (Hadoop 2 "running beyond
 * physical memory limits", Hadoop 3 "beyond the 'PHYSICAL' memory limit", cgroups "is under oom").
 */
export const KILL =
  /Container killed by YARN for exceeding (?:(physical|virtual) )?memory limits|running beyond (physical|virtual) memory limits|beyond the '(PHYSICAL|VIRTUAL)' memory limit|is under oom because it exceeded its (physical) memory limit|(?:Exit status|exitCode|exit status):\s*(-10[34])\b/;
const USAGE = /([0-9.]+ [KMGT]i?B) of ([0-9.]+ [KMGT]i?B) (physical|virtual) memory used/;

export interface YarnKill extends Match {
  kind: 'physical' | 'virtual';
  used: number | null;
  limit: number | null;
}

export function yarnKills(ctx: ClassifierContext): YarnKill[] {
  return direct(find(ctx, KILL)).map((x) => {
    const usage = USAGE.exec(x.signal.text);
    const word = (x.m[1] ?? x.m[2] ?? x.m[3] ?? x.m[4] ?? usage?.[3] ?? (x.m[5] === '-103' ? 'virtual' : 'physical')).toLowerCase();
    // Spark ≤2.3 printed "exceeding memory limits" for both; the usage clause or exit status says which.
    const kind = word === 'virtual' || (x.m[1] === undefined && usage?.[3] === 'virtual') ? 'virtual' : 'physical';
    const physical = /([0-9.]+ [KMGT]i?B) of ([0-9.]+ [KMGT]i?B) physical memory used/.exec(x.signal.text);
    const which = kind === 'physical' ? physical : usage;
    return { ...x, kind, used: which ? parseHumanSize(which[1]!) : null, limit: which ? parseHumanSize(which[2]!) : null };
  });
}

/**
 * The application master's container: its id ends in _000001 (the first container of an attempt), YARN
 * says "AM Container", or the text scanner gave it the client-mode AM's id. It is the driver in cluster
 * mode only.
 */
export const isAmKill = (k: Match): boolean =>
  k.signal.executors.has(AM_ID) || /AM Container for|container_(?:e\d+_)?\d+_\d+_\d+_0*1\b/.test(k.signal.text);

/**
 * Whether the killed AM ran in client mode (ExecutorLauncher: not the driver, sized by spark.yarn.am.*):
 * the AM's own lines said so (the scanner's AM_ID), or the application's configuration does.
 */
export function amInClientMode(ctx: ClassifierContext, kills: Match[]): boolean {
  if (kills.some((k) => k.signal.executors.has(AM_ID))) return true;
  return (ctx.app.effectiveConf['spark.submit.deployMode'] ?? '').trim().toLowerCase() === 'client';
}

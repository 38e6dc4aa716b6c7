import type { ClassifierContext } from './define.js';
import { AM_ID } from '../state/signals.js';
import { direct, find, parseHumanSize, type Match } from './match.js';

/**
 * YARN memory kills, in every wording (../shared/reference/MESSAGES.md §1–2): Spark's
 * YarnAllocator text (1.2–2.3 "exceeding memory limits" for both kinds, 2.4 with its double space, 3.0+
 * "exceeding physical|virtual memory limits") and the NodeManager's own (Hadoop 2 "running beyond
 * physical memory limits", Hadoop 3 "beyond the 'PHYSICAL' memory limit", cgroups "is under oom"),
 * and the statuses (ContainerExitStatus KILLED_EXCEEDED_PMEM -104, _VMEM -103). Physical and virtual
 * apart, as the two classifiers that read them trigger on them.
 */
export const PHYSICAL_KILL =
  /Container killed by YARN for exceeding (?:physical )?memory limits|running beyond physical memory limits|beyond the 'PHYSICAL' memory limit|is under oom because it exceeded its physical memory limit|(?:Exit status|exitCode|exit status):\s*-104\b/;
export const VIRTUAL_KILL =
  /Container killed by YARN for exceeding (?:virtual )?memory limits|running beyond virtual memory limits|beyond the 'VIRTUAL' memory limit|(?:Exit status|exitCode|exit status):\s*-103\b/;
/** The limit YARN states for the process it killed: limit-mismatch reads it. */
export const STATED_PHYSICAL = /([0-9.]+ [KMGT]i?B) of ([0-9.]+ [KMGT]i?B) physical memory used/;
const USAGE = /([0-9.]+ [KMGT]i?B) of ([0-9.]+ [KMGT]i?B) (physical|virtual) memory used/;
const SAYS_VIRTUAL =
  /exceeding virtual memory limits|beyond virtual memory limits|beyond the 'VIRTUAL' memory limit|(?:Exit status|exitCode|exit status):\s*-103\b/;
const SAYS_PHYSICAL =
  /exceeding physical memory limits|beyond physical memory limits|beyond the 'PHYSICAL' memory limit|exceeded its physical memory limit|(?:Exit status|exitCode|exit status):\s*-104\b/;

export interface YarnKill extends Match {
  kind: 'physical' | 'virtual';
  used: number | null;
  limit: number | null;
}

export function yarnKills(ctx: ClassifierContext): YarnKill[] {
  const found = [...find(ctx, PHYSICAL_KILL), ...find(ctx, VIRTUAL_KILL)];
  return direct(found.filter((x, i) => found.findIndex((y) => y.signal === x.signal) === i)).map((x) => {
    const t = x.signal.text;
    const usage = USAGE.exec(t);
    // Spark ≤2.3 printed "exceeding memory limits" for both; the usage clause says which.
    const kind = SAYS_VIRTUAL.test(t) ? 'virtual' : SAYS_PHYSICAL.test(t) ? 'physical' : usage?.[3] === 'virtual' ? 'virtual' : 'physical';
    const which = kind === 'physical' ? STATED_PHYSICAL.exec(t) : usage;
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

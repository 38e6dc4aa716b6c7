import type { HeapWhy, RemedyMessage } from '../classifiers/remedies.js';

/**
 * What a finding says the application needs, anchored to what the log observed or the configuration
 * it ran with — never to the values being tried. The planner (solve.ts) turns the needs of all
 * findings into one set of changes; because a need does not move when its own fix is applied,
 * re-diagnosing with the plan applied finds every need met and asks for nothing more (a fixed point).
 * Sizes are bytes.
 */
export type Need =
  /** The executor container must hold `room` bytes outside the heap (JVM off-heap, threads, Netty, Python workers). */
  | { kind: 'executor-room'; room: number; basis: RoomBasis }
  /**
   * The executor heap must hold what a heap of `heap` bytes with compressed pointers holds. `cores`: the
   * tasks per executor it was sized for, when a heap shared by fewer tasks also meets it (heap ÷ cores),
   * which is how a need past the compressed-pointer limit is met without leaving it; null when only the size counts.
   */
  | { kind: 'executor-heap'; heap: number; why: HeapWhy; cores: number | null }
  /** Each concurrent task must be able to hold `perTask` bytes of execution memory (perTaskMax, the 1/N share). */
  | { kind: 'task-execution'; perTask: number; perTaskBefore: number; why: HeapWhy }
  /** The driver heap must be at least `heap`. */
  | { kind: 'driver-heap'; heap: number; reason: 'oom' | 'results' | 'broadcast' }
  /** The driver's container (the YARN application master in client mode) must hold `room` bytes outside its heap. */
  | { kind: 'driver-room'; room: number; basis: RoomBasis }
  /**
   * A setting that is not a region size: `value` as spark-submit takes it. `compare`: whether a value
   * above it (at-least) or below it (at-most), by `unit`, also meets the need, or only this one.
   * `sql`: it matters only when the failing stages ran SQL (`stages`: the stage attempts the failure
   * was seen in, "3.0"; empty when not known).
   */
  | {
      kind: 'setting';
      key: string;
      value: string;
      compare: 'at-least' | 'at-most' | 'equals';
      unit: SettingUnit;
      sql: boolean;
      stages: string[];
      reason: RemedyMessage;
    }
  /** The heap may shrink to `heap` (the busiest executor peaked at `peak`): a saving, never a requirement. */
  | { kind: 'heap-trim'; heap: number; peak: number }
  /** A cluster-side setting (yarn-site.xml, the kubelet): an administrator's change. */
  | { kind: 'admin'; key: string; value: string; reason: RemedyMessage };

/** How a setting's value compares: sizes (bare numbers in bytes or MiB), plain numbers, or text. */
export type SettingUnit = 'bytes' | 'mib' | 'number' | 'text';

/** Where a container need comes from. */
interface RoomBasis {
  /** What the process used when it was killed (YARN's "X of Y physical memory used"); null without a figure. */
  used: number | null;
  /** The limit it ran at: as the message states it, else as the log's configuration (or a pod's limit) computes it. */
  limit: number;
  limitFrom: 'message' | 'configuration' | 'pod';
  /** The heap it ran with. */
  heap: number;
  /** The margin over what was used (POLICY.headroom), or the growth of the room when nothing was measured. */
  margin: number;
}

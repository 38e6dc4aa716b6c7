/**
 * What the JVM reports as Runtime.getRuntime.maxMemory for a given -Xmx, by garbage collector.
 * UnifiedMemoryManager (and the StaticMemoryManager / BlockManager before it) size every pool from
 * Runtime.maxMemory, not from -Xmx, so the collector decides the bytes a BlockManager logs.
 *
 * HotSpot sources: the generational collectors leave one survivor space out of maxMemory
 * (ParallelScavengeHeap::max_capacity subtracts PSAdaptiveSizePolicy::max_survivor_size;
 * DefNewGeneration::max_capacity subtracts a survivor for Serial); G1 reports the whole reserved heap.
 * Alignments and ratios below are HotSpot's defaults (NewRatio=2, MinSurvivorRatio=3 for Parallel,
 * SurvivorRatio=8 for Serial). They were checked against `java -XX:+Use<GC> -Xmx<n>m` on JDK 17 for
 * -Xmx 440m…560m, 1g…50g and odd sizes (9397m, 12345m, 21588m, 47016m), and they reproduce the
 * BlockManager sizes of the Java 8 event logs in ../shared/eventlogs to the byte (see
 * test/memory/corpus.test.ts): the heap sizing of these collectors did not change between 8 and 17.
 */
import { MiB } from './sizes.js';
import { atLeast, type Version } from './version.js';

export type Collector = 'parallel' | 'serial' | 'g1' | 'cms' | 'zgc' | 'shenandoah' | 'epsilon';

/** HotSpot: every heap is reserved in multiples of 2 MiB on x86-64 Linux (measured: -Xmx441m reserves 442 MiB under all three collectors). */
export const HEAP_ALIGNMENT = 2 * MiB;
/** HotSpot Parallel: generation and space alignment 512 KiB (64 KiB pages × 8). */
const PARALLEL_SPACE_ALIGNMENT = 512 * 1024;
/** HotSpot Serial: space alignment 64 KiB. */
const SERIAL_SPACE_ALIGNMENT = 64 * 1024;
/** HotSpot default -XX:NewRatio=2: the young generation is 1/3 of the heap. */
export const NEW_RATIO = 2;
/** HotSpot default -XX:MinSurvivorRatio=3: Parallel's largest survivor space is 1/3 of the young generation. */
export const PARALLEL_MIN_SURVIVOR_RATIO = 3;
/** HotSpot default -XX:SurvivorRatio=8: eden:survivor:survivor = 8:1:1, a survivor is 1/10 of the young generation. */
const SERIAL_SURVIVOR_RATIO = 8;
/** G1: about 2048 regions of 1…32 MiB (HeapRegion::setup_heap_region_size; measured: rounded up to a power of two). */
const G1_TARGET_REGIONS = 2048;
const G1_MIN_REGION = MiB;
const G1_MAX_REGION = 32 * MiB;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
const alignDown = (n: number, a: number): number => Math.floor(n / a) * a;

/** Options that resize the young generation or the survivors: with any of them the model is no longer exact. */
const YOUNG_OPTIONS =
  /-Xmn\S+|-XX:(?:NewRatio|NewSize|MaxNewSize|SurvivorRatio|MinSurvivorRatio|InitialSurvivorRatio|G1HeapRegionSize|-UseAdaptiveSizePolicy)\b/;

export interface JvmMaxMemory {
  /** Runtime.maxMemory in bytes (the model's value; for CMS the largest it can be). */
  maxMemory: number;
  /** True when the value is HotSpot's to the byte; false for CMS (young generation sized by the host's CPU count) or tuned young generations. */
  exact: boolean;
  /** -Xmx − maxMemory: the survivor space (or alignment) the JVM leaves out. */
  gap: number;
}

/** Runtime.maxMemory for a heap of `xmx` bytes (a whole number of MiB: Spark passes -Xmx<n>m). */
export function runtimeMaxMemory(xmx: number, collector: Collector, javaOptions: string): JvmMaxMemory {
  const tuned = YOUNG_OPTIONS.test(javaOptions);
  let max: number;
  let exact = !tuned;
  switch (collector) {
    case 'parallel': {
      const heap = alignUp(xmx, HEAP_ALIGNMENT);
      const young = alignDown(Math.floor(heap / (NEW_RATIO + 1)), PARALLEL_SPACE_ALIGNMENT);
      const survivor = alignDown(Math.floor(young / PARALLEL_MIN_SURVIVOR_RATIO), PARALLEL_SPACE_ALIGNMENT);
      max = heap - survivor;
      break;
    }
    case 'serial':
    case 'cms': {
      // CMS's young generation is ParNew, capped by 64 MiB × 13/10 per GC thread (CMSYoungGenPerWorker):
      // below the cap it is Serial's heap/3; the cap depends on the host's CPU count, which no log records.
      const heap = alignUp(xmx, HEAP_ALIGNMENT);
      const young = alignDown(Math.floor(heap / (NEW_RATIO + 1)), SERIAL_SPACE_ALIGNMENT);
      const survivor = alignDown(Math.floor(young / (SERIAL_SURVIVOR_RATIO + 2)), SERIAL_SPACE_ALIGNMENT);
      max = heap - survivor;
      if (collector === 'cms') exact = false;
      break;
    }
    case 'g1': {
      const region = Math.min(G1_MAX_REGION, Math.max(G1_MIN_REGION, 2 ** Math.ceil(Math.log2(xmx / G1_TARGET_REGIONS))));
      max = alignUp(xmx, Math.max(region, HEAP_ALIGNMENT));
      break;
    }
    default:
      // ZGC, Shenandoah and Epsilon are not generational (in the JDKs Spark runs on): maxMemory is the heap.
      max = alignUp(xmx, HEAP_ALIGNMENT);
  }
  return { maxMemory: max, exact, gap: xmx - max };
}

/** Each -XX:+Use…GC flag's name after `-XX:+Use`, and the collector it selects. */
const FLAG: Record<string, Collector> = {
  G1GC: 'g1',
  ParallelGC: 'parallel',
  ParallelOldGC: 'parallel',
  SerialGC: 'serial',
  ConcMarkSweepGC: 'cms',
  ZGC: 'zgc',
  ShenandoahGC: 'shenandoah',
  EpsilonGC: 'epsilon',
};
/** Any of FLAG's flags, as a word (`\b`: -XX:+UseG1GCx names none). One pass finds the last. */
const ANY_FLAG = /-XX:\+Use(G1GC|ParallelGC|ParallelOldGC|SerialGC|ConcMarkSweepGC|ZGC|ShenandoahGC|EpsilonGC)\b/g;

type CollectorReason = 'flag' | 'java-version' | 'spark-version';

export interface CollectorDecision {
  collector: Collector;
  reason: CollectorReason;
  /** The -XX:+Use…GC flag that decided, when one did. */
  flag: string | null;
  /** The Java feature version the decision rests on (8, 11, 17…), read or assumed. */
  javaMajor: number | null;
}

/** "1.8.0_282 (Private Build)" → 8, "17.0.18 (Ubuntu)" → 17, "11.0.20.1" → 11. */
function javaMajor(version: string | null | undefined): number | null {
  if (!version) return null;
  const m = /^\s*(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return null;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/**
 * The newest Java each Spark line runs on (Spark's own build and docs: Java 8 only up to 2.4; 8/11 in
 * 3.0–3.2,; 8/11/17 in 3.3–3.5; 17/21 from 4.0). Our choice, when
 * the log names no Java: assume the newest, as an unknown Spark version counts as the current one.
 */
function assumedJava(v: Version | null): number {
  if (atLeast(v, 4, 0)) return 17;
  if (atLeast(v, 3, 3)) return 17;
  if (atLeast(v, 3, 0)) return 11;
  return 8;
}

/**
 * The collector a JVM runs: the last -XX:+Use…GC flag in its options wins (HotSpot refuses two, we take
 * the last as the JVM's argument order would); otherwise the default of its Java version — Parallel up to
 * Java 8 (server-class machines, HotSpot ergonomics), G1 from Java 9 (JEP 248). A JVM that sees fewer
 * than 2 CPUs or less than 1792 MiB picks Serial instead; we cannot see that from a log.
 */
export function decideCollector(javaOptions: string, javaVersion: string | null, v: Version | null): CollectorDecision {
  let found: { flag: string; collector: Collector } | null = null;
  // Every flag starts so: most options name none, and are then not searched at all. Flags never
  // overlap (each ends at a word boundary), so the last match is the last flag.
  if (javaOptions.includes('-XX:+Use')) {
    ANY_FLAG.lastIndex = 0;
    for (let m = ANY_FLAG.exec(javaOptions); m !== null; m = ANY_FLAG.exec(javaOptions)) found = { flag: m[0], collector: FLAG[m[1]!]! };
  }
  const read = javaMajor(javaVersion);
  if (found) return { collector: found.collector, reason: 'flag', flag: found.flag, javaMajor: read };
  const major = read ?? assumedJava(v);
  return {
    collector: major <= 8 ? 'parallel' : 'g1',
    reason: read !== null ? 'java-version' : 'spark-version',
    flag: null,
    javaMajor: major,
  };
}

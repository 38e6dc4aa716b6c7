import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { detectCodec, MAGIC_BYTES } from '../codecs/index.js';
import type { TailDigest } from '../eventlog/digest.js';
import { readEventLines, type ReadElsewhere } from '../eventlog/events.js';
import { MAX_METRIC_NAMES, metricNameCount } from '../eventlog/fast.js';
import type { Layout, Part } from '../sources/types.js';
import { MAX_EXECUTORS, MAX_STAGE_ATTEMPTS, type AppState } from '../state/app.js';
import { readFileRange } from '../sources/file-chunks.js';
import { blockStart, Claims, type Blocks } from './blocks.js';
import { digestBlock, joinDigests, TailBudget } from './tail.js';
import { sniffKind } from './sniff.js';
import type { ReadStats } from './stats.js';

/**
 * Plain event logs at least this large are read on two threads (diagnose, inspect; `--jobs 1`: one).
 * The helper thread costs CPU the one thread does not spend: its start from the code cache
 * (src/load.cts), its own warm-up of the reader, the digest's copy and fold. Measured with the built
 * CLI (`diagnose --format json`, bench-shaped logs, medians of 3, this 2-core machine at load average
 * 13-18): user + system CPU 0.43 → 0.63 s at 16 MiB, 0.48 → 0.73 s at 32 MiB, 0.55 → 0.87 s at
 * 64 MiB, 2.46 → 3.33 s at 1 GiB (split forced against `--jobs 1`). A second core saves at most half
 * of the one-thread time, so below ~128 MiB the saving is of the order of that cost. Our choice:
 * 128 MiB, so that no smaller log can be slower for the second thread.
 */
export const SPLIT_MIN_BYTES = 128 * 1024 * 1024;

/**
 * The size of the blocks the two threads share a log in (src/input/blocks.ts), and at least how many
 * there are. The last block the helper takes may keep this thread waiting for it to end (~30 ms for
 * 16 MiB at ~0.6 GB/s, one thread on this machine) and each block costs a digest of its own and a
 * search for its first line; our choice: 16 MiB, so that a wait costs under 3% of a 1 GiB log's
 * time, and at least 8 blocks, so that even a small log (a test) is shared at many places.
 */
const BLOCK_BYTES = 16 * 1024 * 1024;
const MIN_BLOCKS = 8;
/** Claims hold a block number in 16 bits (blocks.ts). */
const MAX_BLOCKS = 0xffff;

/**
 * The helper's young generation (MiB; V8 makes a third of it each semi-space). Left to V8 it grows
 * to V8's default; since a task batch is typed arrays and the helper keeps its executors from batch
 * to batch (src/state/batch.ts), the helper allocates little besides the parsed lines. Measured on the
 * 1 GiB bench log, `--jobs 2`, 7 alternating runs at load 3-4: 6 MiB gave 180-201 MiB peak RSS
 * (median 198) against 184-214 (207) left to V8, for no more CPU (2.49 against 2.57 s); 4 MiB no lower
 * RSS and more CPU (2.83 s). (Before the typed batches, 6 MiB cost ~0.4 s more CPU in one of two series.)
 * Our choice: 6 MiB, as scan's workers (src/scan/index.ts).
 */
const HELPER_YOUNG_MB = 6;

/** Bytes sniffed at the start, as readPart does (SNIFF_BYTES there) and as the line splitter decides its line end (CR_SNIFF_BYTES). */
const HEAD_BYTES = 64 * 1024;
const LF = 10;

/**
 * Blocks shared in one stretch (a segment): this thread reads a segment's blocks from its front and the
 * helper from its back until they meet; then what the helper read is folded, and both go on to the next
 * segment. The helper's digests wait only for the end of their segment, so what is held stays bounded
 * whatever the log's size; with one stretch for the whole log, the helper stopped when its digests
 * reached MAX_DIGEST_JSON (tail.ts), ~37 blocks into the bench's 4 GiB log, and this thread read the other
 * ~212 alone. The helper starts a segment once this thread has (it folded the one before): it idles for
 * this thread's last block and the fold, ~20-30 ms a segment. Our choice: 64 blocks (1 GiB of 16 MiB
 * blocks), so that a log up to 1 GiB is one segment as before, and the helper's half of a segment
 * (~32 blocks) stays within what its digests may hold (~6 MB of JSON for the bench's).
 */
const SEGMENT_BLOCKS = 64;

/** Tests: the blocks' size, how many of them the helper reads (from the back of each segment) before this thread starts it, and the segments' size in blocks. */
export interface InlineSplit {
  blockBytes?: number;
  helperBlocks?: number;
  segmentBlocks?: number;
  /** The JSON the helper's digests may make (tail.ts MAX_DIGEST_JSON). */
  digestJson?: number;
}

/** A plain event log cut into blocks, in segments each taken from the front by this thread and from the back by a helper. */
export interface SplitPlan {
  fsPath: string;
  blocks: Blocks;
  /** Blocks per segment. */
  segment: number;
}

/** The blocks of segment `s`: its first, and how many. */
export const segmentOf = (plan: SplitPlan, s: number): { first: number; count: number } => {
  const first = s * plan.segment;
  return { first, count: Math.min(plan.segment, plan.blocks.count - first) };
};

/** How many segments a plan has. */
const segmentCount = (plan: SplitPlan): number => Math.ceil(plan.blocks.count / plan.segment);

/**
 * The module a helper thread starts from: load.cjs, beside the one-file build (where every module's
 * URL is the bundle's) or one folder up (the modules tsc wrote); none when running from sources (tests).
 */
function loaderPath(): string | null {
  for (const rel of ['./load.cjs', '../load.cjs']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return fileURLToPath(url);
  }
  return null;
}

/**
 * Whether (and how) to share a part between two threads: a local, finished, plain event log of at
 * least `minBytes` whose line ends are LF (the splitter decides from the first 64 KiB: a LF there).
 * Null for anything else: zips, standard input, URLs, compressed, in-progress, text logs, or no
 * helper thread to start.
 */
export function planSplit(
  part: Part,
  layout: Layout,
  minBytes: number,
  inline: boolean | InlineSplit = false,
  segmentBlocks = SEGMENT_BLOCKS,
): SplitPlan | null {
  if (layout === 'zip' || part.inProgress || part.name === '-' || part.name.includes('://')) return null;
  if (!inline && loaderPath() === null) return null;
  const fsPath = part.name;
  let size: number;
  try {
    const st = statSync(fsPath);
    if (!st.isFile()) return null;
    size = st.size;
  } catch {
    return null; // a shown name that is not the path (escaped bytes): read on one thread
  }
  if (size < Math.max(minBytes, 2)) return null;
  const fd = openSync(fsPath, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    if (readSync(fd, head, 0, head.length, 0) !== head.length) return null;
    if (detectCodec(head.subarray(0, MAGIC_BYTES)) !== 'none' || head.indexOf(LF) < 0) return null;
    if (sniffKind(head.toString('utf8')) !== 'event-log') return null;
  } finally {
    closeSync(fd);
  }
  const given = typeof inline === 'object' ? inline : {};
  const usual = given.blockBytes ?? Math.min(BLOCK_BYTES, Math.ceil(size / MIN_BLOCKS));
  const bytes = Math.max(usual, Math.ceil(size / MAX_BLOCKS));
  return { fsPath, blocks: { bytes, count: Math.ceil(size / bytes), size }, segment: Math.max(1, given.segmentBlocks ?? segmentBlocks) };
}

/**
 * A helper's message, for one segment: a block's digest; the end of its blocks there; that it stopped
 * at a block it then leaves to this thread (a cap near, or the digests as large as may be held: the
 * blocks after it stay digested); or that it failed (this thread reads what the helper claimed).
 */
type HelperMessage =
  | { segment: number; block: number; digest: TailDigest }
  | { segment: number; done: true }
  | { segment: number; stopped: number }
  | { failed: true };

/** How a helper ended a segment: its blocks' digests joined (null: none, or it failed) and the block it left, if any (else -1). */
interface HelperEnd {
  digest: TailDigest | null;
  left: number;
}

interface Helper {
  /** This thread starts segment `s` (the one before is folded): the helper may read it. */
  begin(s: number): Promise<void>;
  /** Takes the digests sent so far, between this thread's blocks: copied in while the helper reads on. */
  poll(): void;
  /** Once this thread has no block of segment `s` left to claim: how the helper ended it. */
  end(s: number): Promise<HelperEnd>;
  stop(): void;
}

/**
 * Segment after segment, once this thread has started it (`started`: the segment it started, or the
 * segment count once it is done), reads the blocks it claims from the back, each into a digest, until
 * the two threads meet: on a helper thread (split-worker.ts), or (tests, `inline`) here for one segment
 * before this thread starts it, its back blocks up to `until`, each digest cloned as a thread's message is.
 * The digests of a segment share one budget.
 */
export async function helpRead(
  plan: SplitPlan,
  file: string,
  claimsOf: (s: number) => Claims,
  post: (m: HelperMessage) => void,
  waitStarted: (s: number) => Promise<boolean>,
  budget: () => TailBudget = () => new TailBudget(),
  segments: readonly number[] = Array.from({ length: segmentCount(plan) }, (_, s) => s),
  until = -1,
): Promise<void> {
  const { fsPath, blocks } = plan;
  for (const s of segments) {
    if (!(await waitStarted(s))) return;
    const { first } = segmentOf(plan, s);
    const claims = claimsOf(s);
    const spent = budget();
    let stopped = false;
    for (let k = claims.back(); k >= 0; k = k > until ? claims.back() : -1) {
      const at = first + k;
      const digest = await digestBlock(fsPath, file, blockStart(fsPath, blocks, at), blockStart(fsPath, blocks, at + 1), spent);
      if (digest === null) {
        post({ segment: s, stopped: k });
        stopped = true;
        break;
      }
      post({ segment: s, block: k, digest });
    }
    if (!stopped) post({ segment: s, done: true });
  }
}

const budgetOf = (inline: true | InlineSplit) => (): TailBudget =>
  new TailBudget(...(typeof inline === 'object' && inline.digestJson !== undefined ? [inline.digestJson] : []));

/** Where this thread says which segment it started, for the helper (Int32Array slot 0 of a SharedArrayBuffer). */
const STARTED = 0;

/** Starts the helper on the blocks it will claim. */
function startHelper(plan: SplitPlan, file: string, claims: readonly Claims[], inline: boolean | InlineSplit): Helper {
  const count = segmentCount(plan);
  /** Per segment: the digests received, and how it ended. */
  const got = Array.from({ length: count }, () => new Map<number, TailDigest>());
  const settlers: Array<(e: HelperEnd) => void> = [];
  const ends = Array.from({ length: count }, (_, s) => new Promise<HelperEnd>((resolve) => (settlers[s] = resolve)));
  let failed = false;
  const fail = (): void => {
    failed = true;
    for (const settle of settlers) settle({ digest: null, left: -1 });
  };
  /** The digests of blocks `from`.. of segment `s` joined, with the block left (null when one is missing: the helper failed). */
  const join = (s: number, from: number, left: number): void => {
    const parts: TailDigest[] = [];
    const n = segmentOf(plan, s).count;
    for (let k = from; k < n; k++) {
      const d = got[s]!.get(k);
      if (!d) return settlers[s]!({ digest: null, left: -1 });
      parts.push(d);
    }
    got[s]!.clear();
    settlers[s]!({ digest: parts.length > 0 ? joinDigests(parts) : null, left });
  };
  const onMessage = (m: HelperMessage): void => {
    if ('failed' in m) fail();
    else if ('block' in m) got[m.segment]!.set(m.block, m.digest);
    else if ('stopped' in m) join(m.segment, m.stopped + 1, m.stopped);
    else join(m.segment, claims[m.segment]!.met, -1);
  };
  /** This thread took every block of segment `s`: the helper has none to end (it may not even have started it). */
  const none = (s: number): boolean => claims[s]!.met >= segmentOf(plan, s).count;
  if (inline) {
    const taken = typeof inline === 'object' && inline.helperBlocks !== undefined ? inline.helperBlocks : null;
    return {
      // Before this thread reads a segment, the helper reads its back blocks (half of them unless told).
      begin: (s) => {
        const n = segmentOf(plan, s).count;
        const mine = Math.min(n, taken ?? Math.floor(n / 2));
        if (mine <= 0) return Promise.resolve();
        return helpRead(
          plan,
          file,
          (i) => claims[i]!,
          (m) => onMessage(structuredClone(m)),
          () => Promise.resolve(true),
          budgetOf(inline),
          [s],
          n - mine,
        );
      },
      poll: () => undefined,
      end: (s) => (none(s) ? Promise.resolve({ digest: null, left: -1 }) : ends[s]!),
      stop: () => undefined,
    };
  }
  // The digests come on a port of their own, taken between blocks (receiveMessageOnPort): a message
  // event would wait for this thread's reading to end, and the helper would idle while they are copied in.
  const { port1, port2 } = new MessageChannel();
  const started = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(started, STARTED, -1);
  // Required, not imported: a CommonJS start skips the ES module loader (src/load.cts).
  const worker = new Worker(`require(${JSON.stringify(loaderPath())}).load('split-worker')`, {
    eval: true,
    workerData: { plan, file, claims: claims.map((c) => c.buffer), started: started.buffer, port: port2 },
    transferList: [port2],
    // No old-generation limit: capped at 48 MiB, the helper held the 4 GiB bench log's peak at 170-173 MiB
    // RSS instead of 180-190, but a line dense enough to pass it (1.5 million properties) aborted the
    // whole process (SIGABRT from V8 inside JSON.parse) instead of ending the helper alone.
    resourceLimits: { maxYoungGenerationSizeMb: HELPER_YOUNG_MB },
  });
  const poll = (): void => {
    for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) onMessage(m.message as HelperMessage);
  };
  // What the helper sent before it ended is taken first: only segments it did not end fail.
  const gone = (): void => {
    poll();
    fail();
  };
  worker.once('error', gone);
  worker.once('exit', gone);
  port1.on('message', onMessage);
  port1.unref();
  return {
    begin: (s) => {
      Atomics.store(started, STARTED, s);
      Atomics.notify(started, STARTED);
      return Promise.resolve();
    },
    poll,
    end: (s) => {
      if (none(s) || failed) return Promise.resolve({ digest: null, left: -1 });
      poll();
      return ends[s]!;
    },
    stop: () => {
      // The helper waits for a segment that will not come: told there is none, it ends.
      Atomics.store(started, STARTED, count);
      Atomics.notify(started, STARTED);
      port1.close();
      void worker.terminate();
    },
  };
}

/** Whether the digest folds into `app` exactly as reading on would: no cap can be reached, every sum stays exact. */
function fits(d: TailDigest, app: AppState): boolean {
  return (
    app.stages.size + d.stageBound <= MAX_STAGE_ATTEMPTS &&
    app.executors.size + d.executorBound <= MAX_EXECUTORS &&
    metricNameCount() + d.metricNames.length <= MAX_METRIC_NAMES &&
    app.sumsStayExact(d.absSum)
  );
}

/**
 * Reads a part as planned: segment by segment, blocks from the front here while a helper reads blocks
 * from the back, until they meet; then what the helper read of the segment is folded in after this
 * thread's blocks, in order (eventlog/digest.ts). When the helper failed, gave up, or its digest would
 * not fold exactly, the rest of the segment is read here, as one thread would. Either way the state
 * and statistics are those of reading the part on one thread (what readPart does for a plain event
 * log; test/input/split.test.ts holds it to that).
 */
export async function readSplit(
  plan: SplitPlan,
  file: string,
  app: AppState,
  stats: ReadStats,
  inline: boolean | InlineSplit = false,
): Promise<void> {
  stats.compression ??= 'none';
  stats.kind ??= 'event-log';
  const before = stats.events;
  const { fsPath, blocks } = plan;
  const count = segmentCount(plan);
  const claims = Array.from({ length: count }, (_, s) => new Claims(segmentOf(plan, s).count));
  const helper = startHelper(plan, file, claims, inline);
  /** Where this thread's blocks end so far. */
  let end = 0;
  async function* body(): AsyncGenerator<Buffer | ReadElsewhere> {
    for (let s = 0; s < count; s++) {
      const { first, count: n } = segmentOf(plan, s);
      const segmentEnd = blockStart(fsPath, blocks, first + n);
      const segmentClaims = claims[s]!;
      await helper.begin(s);
      for (let k = 0; k >= 0; k = segmentClaims.front()) {
        const to = blockStart(fsPath, blocks, first + k + 1);
        yield* readFileRange(fsPath, end, to - end, true);
        end = to;
        helper.poll();
      }
      const ended = await helper.end(s);
      if (ended.left >= 0) {
        // The block the helper left is the next one: read here, before its digests of the blocks after it.
        const to = blockStart(fsPath, blocks, first + ended.left + 1);
        yield* readFileRange(fsPath, end, to - end, true);
        end = to;
      }
      if (end < segmentEnd) {
        const from = end;
        yield {
          digest: () => Promise.resolve(ended.digest !== null && fits(ended.digest, app) ? ended.digest : null),
          bytes: () => readFileRange(fsPath, from, segmentEnd - from, true),
        };
        end = segmentEnd;
      }
    }
  }
  try {
    await readEventLines(body(), file, app, stats, false, false);
  } finally {
    helper.stop();
  }
  if (stats.events > before) app.hasEventLog = true;
}

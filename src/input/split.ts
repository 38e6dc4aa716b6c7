import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { detectCodec, MAGIC_BYTES } from '../codecs/index.js';
import type { TailDigest } from '../eventlog/digest.js';
import { readEventLines } from '../eventlog/events.js';
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

/** Tests: the blocks' size, and how many of them the helper reads (from the back) before this thread starts. */
export interface InlineSplit {
  blockBytes?: number;
  helperBlocks?: number;
  /** The JSON the helper's digests may make (tail.ts MAX_DIGEST_JSON). */
  digestJson?: number;
}

/** A plain event log cut into blocks, taken from the front by this thread and from the back by a helper. */
export interface SplitPlan {
  fsPath: string;
  blocks: Blocks;
}

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
export function planSplit(part: Part, layout: Layout, minBytes: number, inline: boolean | InlineSplit = false): SplitPlan | null {
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
  const usual = typeof inline === 'object' && inline.blockBytes ? inline.blockBytes : Math.min(BLOCK_BYTES, Math.ceil(size / MIN_BLOCKS));
  const bytes = Math.max(usual, Math.ceil(size / MAX_BLOCKS));
  return { fsPath, blocks: { bytes, count: Math.ceil(size / bytes), size } };
}

/**
 * A helper's message: a block's digest; the end of its blocks; that it stopped at a block it then
 * leaves to this thread (a cap near, or the digests as large as may be held: the blocks after it stay
 * digested); or that it failed (this thread reads what the helper claimed).
 */
type HelperMessage = { block: number; digest: TailDigest } | { done: true } | { stopped: number } | { failed: true };

/** How a helper ended: its blocks' digests joined (null: none, or it failed) and the block it left, if any (else -1). */
interface HelperEnd {
  digest: TailDigest | null;
  left: number;
}

interface Helper {
  /** Takes the digests sent so far, between this thread's blocks: copied in while the helper reads on. */
  poll(): void;
  /** Once this thread has no block left to claim: how the helper ended. */
  end(): Promise<HelperEnd>;
  stop(): void;
}

/**
 * Reads the blocks it claims from the back, each into a digest, until the two threads meet: on a
 * helper thread (split-worker.ts), or (tests, `inline`) here before this thread starts, the back
 * half of the blocks, each digest cloned as a thread's message is.
 */
export async function helpRead(
  plan: SplitPlan,
  file: string,
  claims: Claims,
  post: (m: HelperMessage) => void,
  budget = new TailBudget(),
  until = -1,
): Promise<void> {
  const { fsPath, blocks } = plan;
  for (let k = claims.back(); k >= 0; k = k > until ? claims.back() : -1) {
    const digest = await digestBlock(fsPath, file, blockStart(fsPath, blocks, k), blockStart(fsPath, blocks, k + 1), budget);
    if (digest === null) return post({ stopped: k });
    post({ block: k, digest });
  }
  post({ done: true });
}

const budget = (inline: true | InlineSplit): TailBudget =>
  new TailBudget(...(typeof inline === 'object' && inline.digestJson !== undefined ? [inline.digestJson] : []));

/** Starts the helper on the blocks it will claim. */
function startHelper(plan: SplitPlan, file: string, claims: Claims, inline: boolean | InlineSplit): Promise<Helper> | Helper {
  const got = new Map<number, TailDigest>();
  let settle: (e: HelperEnd) => void = () => undefined;
  const ended = new Promise<HelperEnd>((resolve) => (settle = resolve));
  /** The digests of blocks `from`.. joined, with the block left (null when one is missing: the helper failed). */
  const join = (from: number, left: number): void => {
    const parts: TailDigest[] = [];
    for (let k = from; k < plan.blocks.count; k++) {
      const d = got.get(k);
      if (!d) return settle({ digest: null, left: -1 });
      parts.push(d);
    }
    got.clear();
    settle({ digest: parts.length > 0 ? joinDigests(parts) : null, left });
  };
  const onMessage = (m: HelperMessage): void => {
    if ('block' in m) got.set(m.block, m.digest);
    else if ('failed' in m) settle({ digest: null, left: -1 });
    else if ('stopped' in m) join(m.stopped + 1, m.stopped);
    else join(claims.met, -1);
  };
  /** This thread took every block: the helper has none to end (it may not even have started). */
  const none = (): boolean => claims.met >= plan.blocks.count;
  if (inline) {
    const taken = typeof inline === 'object' && inline.helperBlocks !== undefined ? inline.helperBlocks : Math.floor(plan.blocks.count / 2);
    const read =
      taken > 0
        ? helpRead(plan, file, claims, (m) => onMessage(structuredClone(m)), budget(inline), plan.blocks.count - taken)
        : Promise.resolve();
    return read.then(() => ({
      poll: () => undefined,
      end: () => (none() ? Promise.resolve({ digest: null, left: -1 }) : ended),
      stop: () => undefined,
    }));
  }
  // The digests come on a port of their own, taken between blocks (receiveMessageOnPort): a message
  // event would wait for this thread's reading to end, and the helper would idle while they are copied in.
  const { port1, port2 } = new MessageChannel();
  // Required, not imported: a CommonJS start skips the ES module loader (src/load.cts).
  const worker = new Worker(`require(${JSON.stringify(loaderPath())}).load('split-worker')`, {
    eval: true,
    workerData: { plan, file, claims: claims.buffer, port: port2 },
    transferList: [port2],
    resourceLimits: { maxYoungGenerationSizeMb: HELPER_YOUNG_MB },
  });
  worker.once('error', () => settle({ digest: null, left: -1 }));
  worker.once('exit', () => settle({ digest: null, left: -1 }));
  const poll = (): void => {
    for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) onMessage(m.message as HelperMessage);
  };
  return {
    poll,
    end: () => {
      if (none()) return Promise.resolve({ digest: null, left: -1 });
      poll();
      port1.on('message', onMessage);
      return ended;
    },
    stop: () => {
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
 * Reads a part as planned: blocks from the front here while a helper reads blocks from the back,
 * until they meet; then what the helper read folded in after this thread's blocks, in order
 * (eventlog/digest.ts). When the helper failed, gave up, or its digest would not fold exactly, the
 * rest is read here, as one thread would. Either way the state and statistics are those of reading
 * the part on one thread (what readPart does for a plain event log; test/input/split.test.ts holds
 * it to that).
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
  const claims = new Claims(blocks.count);
  const helper = await startHelper(plan, file, claims, inline);
  /** Where this thread's blocks end so far. */
  let end = 0;
  let ended: HelperEnd = { digest: null, left: -1 };
  async function* head(): AsyncGenerator<Buffer> {
    for (let k = 0; k >= 0; k = claims.front()) {
      const to = blockStart(fsPath, blocks, k + 1);
      yield* readFileRange(fsPath, end, to - end, true);
      end = to;
      helper.poll();
    }
    ended = await helper.end();
    if (ended.left >= 0) {
      // The block the helper left is the next one: read here, before its digests of the blocks after it.
      const to = blockStart(fsPath, blocks, ended.left + 1);
      yield* readFileRange(fsPath, end, to - end, true);
      end = to;
    }
  }
  try {
    await readEventLines(head(), file, app, stats, false, false, {
      rest: {
        digest: () => Promise.resolve(ended.digest !== null && fits(ended.digest, app) ? ended.digest : null),
        bytes: () => readFileRange(fsPath, end, blocks.size - end, true),
      },
    });
  } finally {
    helper.stop();
  }
  if (stats.events > before) app.hasEventLog = true;
}

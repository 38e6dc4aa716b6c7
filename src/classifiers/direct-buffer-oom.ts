import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, roomNeed, settingNeed } from './remedy.js';

// The JDK's own (java.nio.Bits.reserveMemory, past -XX:MaxDirectMemorySize).
const PATTERN = /OutOfMemoryError: Direct buffer memory/;
// Netty's pooled allocator counts its direct memory itself and throws its own error at its limit
// (io.netty.util.internal.PlatformDependent.incrementMemoryCounter: "failed to allocate " + capacity +
// " byte(s) of direct memory (used: " + used + ", max: " + limit + ')'), which a shuffle fetch reports as
// the FetchFailedException's message before Spark 3.2. Since 3.2 (SPARK-27991) ShuffleBlockFetcherIterator
// retries a fetch that met it, logging "Block {id} has failed {n} times due to Netty OOM, will retry" (not a
// failure), and fails the task only after spark.shuffle.maxAttemptsOnNettyOOM (10) attempts:
// "Block {id} fetch failed after {n} retries due to Netty OOM" (the FetchFailedException's message).
const NETTY = /OutOfDirectMemoryError|failed to allocate \d+ byte\(s\) of direct memory|fetch failed after \d+ retries due to Netty OOM/;

export default defineClassifier({
  code: 'direct-buffer-oom',
  meta: {
    kind: 'failure',
    rank: 23,
  },
  triggers: [PATTERN, NETTY],
  classify(ctx, report) {
    const jdk = find(ctx, PATTERN);
    const matches = direct([...jdk, ...find(ctx, NETTY).filter((x) => !PATTERN.test(x.signal.text))]);
    if (matches.length === 0) return;
    // Netty's error alone, outside a failed fetch, may have been retried since 3.2 (above): the task's end is not shown.
    const failed = jdk.length > 0 || matches.some((x) => /FetchFailed|due to Netty OOM/.test(x.signal.text));
    const l = ctx.layout;
    // Netty's pools grow in chunks per arena: at least POLICY.directBufferExtra more room, or POLICY.overheadGrowth.
    const grown = l ? roomNeed(ctx, l.executor.heap + l.executor.overhead + POLICY.directBufferExtra.value, null) : null;
    report(
      reportFrom(matches, roleOf(matches), 'overhead', failed ? 'high' : 'medium', {
        needs: [grown, settingNeed('spark.shuffle.io.preferDirectBufs', 'false', {}, 'heap-shuffle-buffers')],
        advice: l ? [] : [fix('spark.executor.memoryOverhead', null, null, 'raise-overhead-no-layout', { layout: ctx.layoutProblem! })],
      }),
    );
  },
});

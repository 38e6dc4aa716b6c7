import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf, stagesOf } from './match.js';
import { fix, partitionsNeed } from './remedy.js';

// HotSpot's, when an array is asked for past its largest length.
const PATTERN = /OutOfMemoryError: Requested array size exceeds VM limit/;
// The JDK's growing buffers refuse before asking: JDK 8 and 11's hugeCapacity (ByteArrayOutputStream,
// AbstractStringBuilder, ArrayList…) throws a bare `new OutOfMemoryError()` when the length it needs
// overflows an int ("if (minCapacity < 0) // overflow"), and JDK 17's jdk.internal.util.ArraysSupport.hugeLength
// says "Required array length " + oldLength + " + " + minGrowth + " is too large". Either way one array
// would pass 2^31 elements (a serialized record or task result over 2 GiB), whatever the heap.
const GROWTH = /Required array length \d+ \+ \d+ is too large|java\.lang\.OutOfMemoryError[ \t]*\r?\n\s*at [\w$.]+\.hugeCapacity\(/;

export default defineClassifier({
  code: 'array-size-oom',
  meta: {
    kind: 'failure',
    rank: 26,
  },
  triggers: [PATTERN, GROWTH],
  classify(ctx, report) {
    const matches = direct([...find(ctx, PATTERN), ...find(ctx, GROWTH)]);
    if (matches.length === 0) return;
    report(
      reportFrom(matches, roleOf(matches), 'user', 'high', {
        needs: [partitionsNeed(ctx.app, stagesOf(matches))],
        advice: [fix(null, null, null, 'split-huge-record'), fix('spark.executor.memory', null, null, 'keep-heap-array-limit')],
      }),
    );
  },
});

import { defineClassifier } from './define.js';
import { heapFixes } from './heap-fixes.js';
import { heapRegion } from './heap-region.js';
import { direct, find, processEvidence, reportFrom, roleOf, stagesOf } from './match.js';

// HotSpot's message; GPU OOMs (com.nvidia.spark.rapids…GpuRetryOOM) do not carry it.
const PATTERN = /java\.lang\.OutOfMemoryError: Java heap space/;
// Structured Streaming's state store could not load a version: HDFSBackedStateStoreProvider and
// RocksDBStateStoreProvider catch the JVM's OutOfMemoryError while loading and throw
// QueryExecutionErrors.notEnoughMemoryToLoadStore (4.0+ error classes
// CANNOT_LOAD_STATE_STORE.HDFS_ / ROCKSDB_STORE_PROVIDER_OUT_OF_MEMORY, SQLSTATE 58030; wordings from
// error-conditions.json of spark-common-utils 4.0.0; the id is StateStoreId.toString, which holds spaces).
const STATE_STORE =
  /(?:HDFS|ROCKSDB)_STORE_PROVIDER_OUT_OF_MEMORY|Could not load (?:HDFS|RocksDB) state store with id [^\n]*? because of an out of memory exception/;

export default defineClassifier({
  code: 'heap-oom',
  meta: {
    kind: 'failure',
    rank: 20,
  },
  triggers: [PATTERN, STATE_STORE],
  classify(ctx, report) {
    const matches = direct([...find(ctx, PATTERN), ...find(ctx, STATE_STORE).filter((x) => !PATTERN.test(x.signal.text))]);
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const region = heapRegion(matches);
    report(
      reportFrom(
        matches,
        role,
        region,
        region === 'heap' ? 'medium' : 'high',
        heapFixes(ctx, role, region, stagesOf(matches), matches),
        processEvidence(ctx, matches, role),
      ),
    );
  },
});

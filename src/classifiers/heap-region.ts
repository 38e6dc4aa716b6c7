import type { Region } from '../findings.js';
import type { Match } from './match.js';

/**
 * Which part of the heap a heap OOM was filling, from the innermost recognisable stack frame:
 * Tungsten sorters and hash maps allocate execution memory, the MemoryStore and broadcasts storage
 * memory, and serializer output buffers live in user memory (outside the unified pool).
 */
const FRAME_REGIONS: Array<[RegExp, Region]> = [
  [
    /UnsafeExternalSorter|UnsafeInMemorySorter|UnsafeKVExternalSorter|BytesToBytesMap|HashedRelation|LongToUnsafeRowMap|ExternalAppendOnlyMap|ExternalSorter|ShuffleExternalSorter|UnsafeShuffleWriter|SizeTrackingAppendOnlyMap|PartitionedPairBuffer|UnsafeFixedWidthAggregationMap|ObjectAggregationMap|HashAggregateExec|SortExec|SpillReader/,
    'execution',
  ],
  [
    /\.MemoryStore\.|TorrentBroadcast|BlockManager\.(?:putIterator|doPutIterator|putBytes|doPutBytes)|InMemoryRelation|CachedRDDBuilder/,
    'storage',
  ],
  [
    /ByteArrayOutputStream|ChunkedByteBufferOutputStream|ByteBufferOutputStream|esotericsoftware\.kryo\.io\.Output|JavaSerializationStream|KryoSerializationStream|ObjectOutputStream/,
    'user',
  ],
];

/**
 * The JDK and the libraries Spark runs on: frames of theirs say what was allocated (a HashMap
 * resizing, a String built), not who held it. The first frame past them is the holder.
 */
const RUNTIME = /^(?:java|javax|jdk|sun|com\.sun|scala|kotlin)\./;
/**
 * Spark and the libraries it brings, and code it generates: not the application's own. Anything else
 * (the user's jar, its closures and UDFs) is the application.
 */
const PLATFORM =
  /^(?:org\.apache\.(?:spark|hadoop|parquet|orc|arrow|hive|commons|avro|iceberg|hudi|kafka|zookeeper|log4j|logging|http|curator|ivy|derby)|io\.(?:netty|delta|glutenproject|dropwizard)|org\.apache\.gluten|com\.(?:google|fasterxml|esotericsoftware|twitter|github\.luben|databricks|amazonaws|microsoft\.azure|nvidia)|net\.(?:jpountz|razorvine)|org\.(?:xerial|codehaus|json4s|roaringbitmap|glassfish|eclipse\.jetty|slf4j|objenesis|antlr|lz4|rocksdb)|py4j|software\.amazon)\./;

/**
 * The region a heap OOM filled. Spark's own structures say it (the first frame, innermost first,
 * that FRAME_REGIONS names); when the innermost frame past the JDK is the application's own code (its
 * closure or UDF filling a java.util.HashMap, say) the objects are the application's: user memory, in
 * Spark's model the heap outside the unified pool (memory/rules.ts).
 */
export function heapRegion(matches: Match[]): Region {
  for (const { signal } of matches) {
    let beyondRuntime = false;
    for (const frame of signal.frames) {
      for (const [re, region] of FRAME_REGIONS) if (re.test(frame)) return region;
      if (!beyondRuntime && !RUNTIME.test(frame)) {
        beyondRuntime = true;
        if (!PLATFORM.test(frame)) return 'user';
      }
    }
    for (const [re, region] of FRAME_REGIONS) if (re.test(signal.text)) return region;
  }
  return 'heap';
}

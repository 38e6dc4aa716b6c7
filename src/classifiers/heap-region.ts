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

export function heapRegion(matches: Match[]): Region {
  for (const { signal } of matches) {
    for (const frame of signal.frames) {
      for (const [re, region] of FRAME_REGIONS) if (re.test(frame)) return region;
    }
    for (const [re, region] of FRAME_REGIONS) if (re.test(signal.text)) return region;
  }
  return 'heap';
}

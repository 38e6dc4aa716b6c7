import { POLICY } from '../classifiers/policy.js';

/**
 * Compressed object pointers. A heap past POLICY.compressedOopsMax runs with 8-byte references, so a
 * heap between that limit and POLICY.uncompressedBandTop holds no more objects than
 * POLICY.compressedOopsHeap does: the plan keeps heaps at or under that size, or jumps past the band.
 */

/** Whether a heap of `bytes` loses compressed pointers and gains no objects for it. */
export function inOopsBand(bytes: number): boolean {
  return bytes > POLICY.compressedOopsHeap.value && bytes < POLICY.uncompressedBandTop.value;
}

/** What a heap holds, as the size of a heap with compressed pointers that holds as much. */
export function heapCapacity(bytes: number): number {
  if (bytes < POLICY.compressedOopsMax.value) return bytes;
  return Math.max(POLICY.compressedOopsHeap.value, bytes / POLICY.uncompressedFactor.value);
}

/** The heap, without compressed pointers, that holds what a compressed heap of `capacity` would. */
export function uncompressedHeapFor(capacity: number): number {
  return Math.max(POLICY.uncompressedBandTop.value, capacity * POLICY.uncompressedFactor.value);
}

/**
 * A heap need as the heap to reach: a need up to the limit itself is met by the largest whole-GiB heap
 * under it (only rounding to whole GiB, POLICY.heapStep, took it to the limit).
 */
export function heapToReach(need: number): number {
  return need > POLICY.compressedOopsHeap.value && need <= POLICY.compressedOopsMax.value ? POLICY.compressedOopsHeap.value : need;
}

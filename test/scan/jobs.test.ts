import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { AUTO_BYTES_PER_THREAD, autoJobs } from '../../src/scan/index.js';

describe('scan threads by default', () => {
  const cores = availableParallelism();
  it('one thread until the logs repay a second', () => {
    expect(autoJobs(0)).toBe(1);
    expect(autoJobs(80 * 1024 * 1024)).toBe(1); // the bench's 1,000 small logs
    expect(autoJobs(AUTO_BYTES_PER_THREAD - 1)).toBe(1);
  });
  it('one more per AUTO_BYTES_PER_THREAD, never more than the cores', () => {
    expect(autoJobs(AUTO_BYTES_PER_THREAD)).toBe(Math.min(2, cores));
    expect(autoJobs(3 * AUTO_BYTES_PER_THREAD)).toBe(Math.min(4, cores));
    expect(autoJobs(1e15)).toBe(cores);
  });
});

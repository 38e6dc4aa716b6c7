import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { decodedBytes } from '../../src/scan/decoded.js';
import { AUTO_BYTES_PER_THREAD, autoJobs } from '../../src/scan/index.js';
import { walkLogDir, type Unit } from '../../src/sources/walk.js';
import { EVENTLOGS, hasShared } from '../helpers.js';

describe('scan threads by default', () => {
  const cores = availableParallelism();
  it('one thread until the logs repay a second', () => {
    expect(autoJobs(0)).toBe(1);
    expect(autoJobs(100 * 1024 * 1024)).toBe(1);
    expect(autoJobs(AUTO_BYTES_PER_THREAD - 1)).toBe(1);
  });
  it('one more per AUTO_BYTES_PER_THREAD, never more than the cores', () => {
    expect(autoJobs(AUTO_BYTES_PER_THREAD)).toBe(Math.min(2, cores));
    expect(autoJobs(3 * AUTO_BYTES_PER_THREAD)).toBe(Math.min(4, cores));
    expect(autoJobs(1e15)).toBe(cores);
  });
  it.skipIf(!hasShared)(
    'counts the real corpus by what it decodes to (25 MB on disk, 348 MiB decoded): two threads, where cores allow',
    async () => {
      const units: Unit[] = [];
      for await (const u of walkLogDir(EVENTLOGS)) units.push(u);
      expect(autoJobs(units.reduce((s, u) => s + u.bytes, 0))).toBe(1);
      expect(autoJobs(decodedBytes(units, (cores - 1) * AUTO_BYTES_PER_THREAD))).toBe(Math.min(2, cores));
    },
  );
  it('weighs remote logs by their listing, by the codec their name says, without fetching them', () => {
    const remote = (name: string, bytes: number): Unit => ({
      path: `s3://logs/${name}`,
      fsPath: `s3://logs/${name}`,
      mtime: 0,
      bytes,
      group: null,
      groupPaths: null,
    });
    const MiB = 1024 * 1024;
    expect(decodedBytes([remote('application_1_1', 10 * MiB)], Infinity)).toBe(10 * MiB);
    // Spark's names: <app>[_<attempt>].<codec> (EventLogFileWriters.scala getLogPath).
    expect(decodedBytes([remote('application_1_1.zstd', 10 * MiB)], Infinity)).toBe(90 * MiB);
    expect(decodedBytes([remote('application_1_1.lz4.inprogress', 10 * MiB)], Infinity)).toBe(60 * MiB);
    expect(decodedBytes([remote('eventLogs-application_1.zip', 10 * MiB)], Infinity)).toBe(90 * MiB);
    // A large remote set gets the threads a local one of that size gets.
    const many = Array.from({ length: 40 }, (_, i) => remote(`application_1_${i}.zstd`, 8 * MiB));
    expect(autoJobs(decodedBytes(many, (cores - 1) * AUTO_BYTES_PER_THREAD))).toBe(Math.min(2, cores));
  });
});

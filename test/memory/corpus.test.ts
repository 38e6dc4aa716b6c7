import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryReport, MemoryConfigError, type BlockManagerVerdict } from '../../src/memory/index.js';
import { readInput } from '../../src/input/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { EVENTLOGS, hasShared } from '../helpers.js';

/**
 * `memory --from` on every real log in ../shared/eventlogs: each BlockManager's Maximum (Onheap) Memory
 * is either reproduced to the byte or its difference has a cause (observed.ts VerdictKind), never
 * "unexplained". The driver's BlockManager counts too: in local mode it is the executor.
 */
interface Seen {
  log: string;
  verdict: BlockManagerVerdict;
}

async function verdictsOfCorpus(): Promise<{ seen: Seen[]; logs: number }> {
  const rows = readFileSync(path.join(EVENTLOGS, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0]!);
  const seen: Seen[] = [];
  let logs = 0;
  for (const rel of rows) {
    const p = path.join(EVENTLOGS, rel);
    if (!existsSync(p) || statSync(p).size === 0) continue;
    for await (const input of resolveInputs([p])) {
      const read = await readInput(input);
      for (const app of read.apps) {
        if (!app.state.hasEventLog) continue;
        logs++;
        try {
          for (const verdict of memoryReport(app.state, {}).report.verdicts) seen.push({ log: rel, verdict });
        } catch (e) {
          if (!(e instanceof MemoryConfigError)) throw e;
          throw new Error(`${rel}: a real log that ran was refused (${e.code})`, { cause: e });
        }
      }
    }
  }
  return { seen, logs };
}

describe.skipIf(!hasShared)('memory --from on every real event log', () => {
  it('reproduces every BlockManager size or names the cause of the difference', async () => {
    const { seen, logs } = await verdictsOfCorpus();
    expect(logs).toBeGreaterThan(90);
    const unexplained = seen.filter((s) => s.verdict.kind === 'unexplained').map((s) => `${s.log} ${s.verdict.who} ${s.verdict.pool}`);
    expect(unexplained).toEqual([]);
    const count = (k: string) => seen.filter((s) => s.verdict.kind === k).length;
    // Most are exact: Parallel on Java 8 and G1 on Java 11+, local mode included.
    expect(count('reproduced')).toBeGreaterThanOrEqual(95);
    expect(
      seen.filter((s) => s.verdict.kind === 'reproduced' && s.verdict.who === 'driver' && s.log.includes('dataset_eventlog')).length,
    ).toBeGreaterThan(0);
  }, 120_000);

  const one = async (rel: string) => {
    for await (const input of resolveInputs([path.join(EVENTLOGS, rel)])) return (await readInput(input)).apps[0]!.state;
    throw new Error('no input');
  };

  it('local mode, 30g driver on Java 8: the driver BlockManager is the executor and matches Parallel to the byte', async () => {
    const state = await one('spark-rapids-tools/core/src/test/resources/spark-events-profiling/dataset_eventlog');
    const r = memoryReport(state, {});
    expect(r.layout.clusterManager).toBe('local');
    expect(r.layout.jvm.executor.collector).toMatchObject({ collector: 'parallel', reason: 'java-version', javaMajor: 8 });
    // 30720 MiB: young align512K(10240) = 10240, survivor align512K(3413.33) = 3413 MiB; 27307 MiB = 28633464832;
    // floor((28633464832 − 314572800) × 0.6) = 16991335219.
    expect(r.layout.jvm.executor.maxMemory).toBe(28633464832);
    expect(r.report.verdicts).toEqual([expect.objectContaining({ who: 'driver', kind: 'reproduced', pool: 16991335219 })]);
  });

  it("executors of a second resource profile are judged against that profile's heap", async () => {
    const state = await one('spark-rapids-tools/core/src/test/resources/spark-events-profiling/rp_sql_eventlog.zstd');
    const v = memoryReport(state, {}).report.verdicts.filter((x) => x.who === 'executors');
    expect(v.map((x) => [x.pool, x.kind]).sort()).toEqual([
      [11264537395, 'reproduced'],
      [3247335014, 'reproduced'],
    ]);
  });

  it('EMR: the YARN application master ran Serial (one CPU in its container), said as such', async () => {
    const state = await one(
      'spark-rapids-tools/core/src/test/resources/spark-events-qualification/multiple_attempts/attempt_1_eventlog.zstd',
    );
    const d = memoryReport(state, {}).report.verdicts.find((x) => x.who === 'driver')!;
    expect(d).toMatchObject({ kind: 'other-collector', collector: 'serial', pool: 1056807321 });
  });

  it('CMS (Spark 1.5/1.6 on HDP): a survivor space sized by the host, within heap/9', async () => {
    const state = await one('sparklint/src/test/resources/spark_event_log_example');
    const v = memoryReport(state, {}).report.verdicts.filter((x) => x.who === 'executors');
    expect(v.length).toBe(2);
    for (const x of v) {
      expect(x.kind).toBe('survivor-gap');
      expect(x.gap!).toBeGreaterThan(0);
      expect(x.gap!).toBeLessThanOrEqual((30 * 1024 ** 3) / 9);
    }
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseApp, isMemoryFinding } from '../../src/diagnose/index.js';
import { readAll } from '../../src/input/read.js';
import { diagnosePath, EVENTLOGS, hasShared } from '../helpers.js';

/**
 * No real log in ../shared/eventlogs holds a memory kill (README there): none may get a critical memory
 * finding. Failed ones get a critical answer to what did fail (a finding whose region is 'none').
 */
describe.skipIf(!hasShared)('diagnose on the shared corpus', () => {
  it('finds no critical memory finding in any log, names what failed in every failed one, and no classifier throws', async () => {
    const critical: string[] = [];
    const problems: string[] = [];
    const unanswered: string[] = [];
    let apps = 0;
    for await (const read of readAll([EVENTLOGS])) {
      for (const a of read.apps.filter((x) => x.stats.events > 0)) {
        apps++;
        const d = diagnoseApp(a);
        const rel = path.relative(EVENTLOGS, read.path);
        for (const f of d.findings) if (f.severity === 'critical' && isMemoryFinding(f)) critical.push(`${rel}: ${f.code}`);
        if (d.outcome === 'failed' && d.verdict === null && d.failure === null) unanswered.push(rel);
        // A layout Spark would refuse is said, not hidden; anything else (a classifier that threw) is a bug.
        for (const p of d.problems) if (p.code !== 'layout') problems.push(`${rel}: ${p.code}`);
      }
    }
    expect(apps).toBeGreaterThan(100);
    expect(critical).toEqual([]);
    expect(unanswered).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('does not read the EMR -XX:OnOutOfMemoryError option or a GPU OOM as a heap OOM', async () => {
    for (const rel of [
      'spark-rapids-tools/user_tools/tests/spark_rapids_tools_e2e/resources/event_logs/join_agg_on_yarn_eventlog.zstd',
      'spark-rapids-tools/core/src/test/resources/spark-events-profiling/gpu_oom_eventlog.zstd',
    ]) {
      const d = await diagnosePath(path.join(EVENTLOGS, rel));
      expect(d.findings.map((f) => f.code)).not.toContain('heap-oom');
      expect(d.verdict).toBeNull();
    }
  });
});

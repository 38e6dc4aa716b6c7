import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseApp } from '../../src/diagnose.js';
import { readInput } from '../../src/read.js';
import { resolveInputs } from '../../src/sources/resolve.js';
import { EVENTLOGS, hasShared } from '../helpers.js';

/** No real log in ../shared/eventlogs holds a memory kill (README there): none may get a critical finding. */
describe.skipIf(!hasShared)('diagnose on the shared corpus', () => {
  it('finds no critical finding in any healthy log, and no classifier throws', async () => {
    const critical: string[] = [];
    const problems: string[] = [];
    let apps = 0;
    for await (const input of resolveInputs([EVENTLOGS])) {
      const read = await readInput(input);
      for (const a of read.apps.filter((x) => x.stats.events > 0)) {
        apps++;
        const d = diagnoseApp(a);
        const rel = path.relative(EVENTLOGS, read.path);
        for (const f of d.result.findings) if (f.severity === 'critical') critical.push(`${rel}: ${f.code}`);
        for (const p of d.problems) if (!p.startsWith('memory layout:')) problems.push(`${rel}: ${p}`);
      }
    }
    expect(apps).toBeGreaterThan(100);
    expect(critical).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('does not read the EMR -XX:OnOutOfMemoryError option or a GPU OOM as a heap OOM', async () => {
    for (const rel of [
      'spark-rapids-tools/user_tools/tests/spark_rapids_tools_e2e/resources/event_logs/join_agg_on_yarn_eventlog.zstd',
      'spark-rapids-tools/core/src/test/resources/spark-events-profiling/gpu_oom_eventlog.zstd',
    ]) {
      for await (const input of resolveInputs([path.join(EVENTLOGS, rel)])) {
        const d = diagnoseApp((await readInput(input)).apps[0]!);
        expect(d.result.findings.map((f) => f.code)).not.toContain('heap-oom');
        expect(d.result.verdict).toBeNull();
      }
    }
  });
});

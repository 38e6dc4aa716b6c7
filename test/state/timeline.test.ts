import { describe, expect, it } from 'vitest';
import { MAX_FAILED_TASKS, MAX_TIMELINE_JOBS, MAX_TIMELINE_STAGES, Timeline } from '../../src/state/timeline.js';
import { fixture, readPaths } from '../helpers.js';

describe('the timeline folded with the state', () => {
  it('keeps jobs, stage attempts, executors and failed tasks of a real YARN kill, in time', async () => {
    const [read] = await readPaths([fixture('real-spark', '3.5.6', 'yarn-pmem-cluster', 'application_1795950974884_0002_1.zstd')]);
    const v = read!.apps[0]!.state.timelineView();
    expect(v.start).not.toBeNull();
    expect(v.end! > v.start!).toBe(true);
    expect(v.jobs.length).toBeGreaterThan(0);
    expect(v.jobs.some((j) => j.failed)).toBe(true);
    expect(v.stages.some((s) => s.failed && s.name !== null)).toBe(true);
    const killed = v.executors.filter((e) => e.removedReason?.startsWith('Container killed by YARN for exceeding physical memory limits'));
    expect(killed.length).toBeGreaterThan(0);
    for (const e of killed) expect(e.removedAt! >= e.addedAt!).toBe(true);
    expect(v.failedTasks.map((f) => f.reason)).toContain('ExecutorLostFailure');
    expect(v.dropped).toEqual({ jobs: 0, stages: 0, failedTasks: 0 });
  });

  it('holds at most MAX_TIMELINE_JOBS jobs, making room with the oldest clean one and keeping failures', () => {
    const t = new Timeline();
    const n = MAX_TIMELINE_JOBS + 500;
    for (let i = 0; i < n; i++) {
      t.jobStart(i, 1000 + i);
      t.jobEnd(i, 2000 + i, i === 3);
    }
    const v = t.view(null, null, []);
    expect(v.jobs).toHaveLength(MAX_TIMELINE_JOBS);
    expect(v.dropped.jobs).toBe(500);
    expect(v.jobs.map((j) => j.id)).toContain(3); // the failed one stays
    expect(v.jobs.map((j) => j.id)).toContain(n - 1); // the latest is kept
    expect(v.jobs.map((j) => j.id)).not.toContain(0);
    expect([v.start, v.end]).toEqual([1000, 2000 + n - 1]);
  });

  it('drops new spans when no kept one may make room (all failed or running), and counts them', () => {
    const t = new Timeline();
    for (let i = 0; i < MAX_TIMELINE_STAGES + 10; i++) t.stage(i, 0, i, null, false, 'x'.repeat(10_000));
    const v = t.view(0, 1, []);
    expect(v.stages).toHaveLength(MAX_TIMELINE_STAGES);
    expect(v.dropped.stages).toBe(10);
    expect(Math.max(...v.stages.map((s) => s.name!.length))).toBeLessThan(200);
  });

  it('keeps the first MAX_FAILED_TASKS failed tasks and counts the rest', () => {
    const t = new Timeline();
    for (let i = 0; i < MAX_FAILED_TASKS * 3; i++) t.failedTask(i, 'e'.repeat(1000), '1.0', 'ExceptionFailure');
    const v = t.view(null, null, []);
    expect(v.failedTasks).toHaveLength(MAX_FAILED_TASKS);
    expect(v.dropped.failedTasks).toBe(MAX_FAILED_TASKS * 2);
    expect(v.failedTasks[0]!.executor.length).toBeLessThan(200);
  });
});

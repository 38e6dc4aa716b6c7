import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVENT_NAMES } from '../../src/eventlog/events.js';
import { MAX_METRIC_NAMES, metricId } from '../../src/eventlog/fast.js';
import { readAll, type AppRead } from '../../src/input/read.js';
import { MAX_EXECUTORS, MAX_PROPERTIES, MAX_STAGE_ATTEMPTS } from '../../src/state/app.js';
import { SignalBook } from '../../src/state/signals.js';
import { RSS_LIMIT_MIB, runCliMeasured } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-caps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Overflow {
  stages: number;
  executors: number;
  properties: number;
  learnt: number;
  signals: number;
  otherEvents: number;
}

interface Sizes {
  executors: number;
  stages: number;
  /** Distinct event names no Spark version writes. */
  names: number;
  /** Spark properties, in two EnvironmentUpdate lines of half each. */
  properties: number;
  /** Distinct executor metric names, in StageExecutorMetrics lines of 500 each. */
  metrics: number;
}

/** A log naming more of each thing than the fold keeps; every third stage fails. */
async function hostileLog(file: string, n: Sizes): Promise<void> {
  const out = createWriteStream(file);
  const w = (o: object): void => void out.write(`${JSON.stringify(o)}\n`);
  w({ Event: 'SparkListenerLogStart', 'Spark Version': '3.5.1' });
  for (const half of [0, 1]) {
    const props: Record<string, string> = half === 0 ? { 'spark.master': 'yarn', 'spark.executor.memory': '4g' } : {};
    for (let i = half; i < n.properties; i += 2) props[`spark.hostile.p${i}`] = String(i);
    w({ Event: 'SparkListenerEnvironmentUpdate', 'Spark Properties': props, 'System Properties': {}, 'Classpath Entries': {} });
  }
  w({
    Event: 'SparkListenerApplicationStart',
    'App Name': 'caps',
    'App ID': 'application_1700000000000_0777',
    Timestamp: 1700000000000,
    User: 'x',
  });
  for (let i = 0; i < n.executors; i++)
    w({
      Event: 'SparkListenerExecutorAdded',
      Timestamp: 1700000001000,
      'Executor ID': String(i),
      'Executor Info': { Host: `h${i}`, 'Total Cores': 4 },
    });
  for (let i = 0; i < n.stages; i++) {
    const info = { 'Stage ID': i, 'Stage Attempt ID': 0, 'Stage Name': `s${i}`, 'Number of Tasks': 1 };
    w({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info });
    w({ Event: 'SparkListenerStageCompleted', 'Stage Info': i % 3 === 0 ? { ...info, 'Failure Reason': `boom ${i}` } : info });
  }
  for (let i = 0; i < n.names; i++) w({ Event: `org.example.Invented${i}` });
  for (let i = 0; i < n.metrics; i += 500) {
    const m: Record<string, number> = {};
    for (let j = i; j < Math.min(n.metrics, i + 500); j++) m[`HostileMetric${j}`] = j;
    w({ Event: 'SparkListenerStageExecutorMetrics', 'Executor ID': '1', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Executor Metrics': m });
  }
  w({ Event: 'SparkListenerApplicationEnd', Timestamp: 1700000100000 });
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

describe('the fold is bounded, whatever the log names', () => {
  const n: Sizes = {
    executors: MAX_EXECUTORS + 5_000,
    stages: MAX_STAGE_ATTEMPTS + 3_000,
    names: MAX_EVENT_NAMES + 200,
    properties: MAX_PROPERTIES + 2_000,
    metrics: MAX_METRIC_NAMES + 500,
  };
  let app: AppRead;
  beforeAll(async () => {
    const file = path.join(tmp, 'caps.json');
    await hostileLog(file, n);
    for await (const r of readAll([file])) {
      expect(r.failures).toEqual([]);
      app = r.apps[0]!;
    }
  });

  it('keeps MAX_EXECUTORS executors one by one and counts the rest', () => {
    expect(app.state.executors.size).toBe(MAX_EXECUTORS);
    expect(app.state.overflow.executors).toBe(5_000);
    expect(app.state.executorCount).toBe(n.executors);
  });

  it('keeps MAX_STAGE_ATTEMPTS stage attempts and counts the rest, failed ones too', () => {
    expect(app.state.stages.size).toBe(MAX_STAGE_ATTEMPTS);
    expect(app.state.stagesTotal).toBe(n.stages);
    expect(app.state.stagesFailed).toBe(Math.ceil(n.stages / 3));
  });

  it('counts events of MAX_EVENT_NAMES names by name, the rest together, and says so once', () => {
    const invented = [...app.stats.eventCounts.keys()].filter((k) => k.startsWith('org.example.Invented'));
    expect(invented.length).toBeLessThanOrEqual(MAX_EVENT_NAMES);
    expect(app.stats.otherEvents).toBeGreaterThan(0);
    const byName = [...app.stats.eventCounts.values()].reduce((a, b) => a + b, 0);
    expect(byName + app.stats.otherEvents).toBe(app.stats.events); // nothing lost: the others counted together
    expect(app.stats.diagnostics.filter((d) => d.code === 'event-names-capped')).toEqual([
      expect.objectContaining({ data: { limit: MAX_EVENT_NAMES } }),
    ]);
  });

  it('keeps MAX_PROPERTIES Spark properties, the first ones, and counts the rest', () => {
    expect(Object.keys(app.state.sparkProperties)).toHaveLength(MAX_PROPERTIES);
    expect(app.state.sparkProperties['spark.master']).toBe('yarn');
    expect(app.state.overflow.properties).toBe(2_002 - 2 + 2); // 2,000 hostile keys and the 2 real ones came first
  });

  it('reads the known events that come after the invented names (StageExecutorMetrics)', () => {
    expect(app.stats.eventCounts.get('SparkListenerStageExecutorMetrics')).toBe(Math.ceil(n.metrics / 500));
    expect(app.state.executors.get('1')!.peaks.HostileMetric0).toBe(0);
  });

  it('gives ids to MAX_METRIC_NAMES metric names in the whole process, no more', () => {
    expect(metricId('NeverSeenBeforeMetric')).toBe(-1);
    expect(Object.keys(app.state.executors.get('1')!.peaks).length).toBeLessThanOrEqual(MAX_METRIC_NAMES);
  });
});

describe('a long streaming application (more stage attempts than kept, nearly all clean)', () => {
  it('keeps the latest and the failed ones: the oldest clean attempts make room', async () => {
    const file = path.join(tmp, 'streaming.json');
    const out = createWriteStream(file);
    const w = (o: object): void => void out.write(`${JSON.stringify(o)}\n`);
    w({ Event: 'SparkListenerLogStart', 'Spark Version': '3.5.1' });
    w({ Event: 'SparkListenerApplicationStart', 'App Name': 'stream', 'App ID': 'app-1', Timestamp: 1700000000000, User: 'x' });
    const total = MAX_STAGE_ATTEMPTS * 3;
    for (let i = 0; i < total; i++) {
      const info = { 'Stage ID': i, 'Stage Attempt ID': 0, 'Stage Name': `batch ${i}`, 'Number of Tasks': 1 };
      const failed = i === 7 || i === total - 1; // one early failure, and the one that ended it
      w({ Event: 'SparkListenerStageSubmitted', 'Stage Info': info });
      w({
        Event: 'SparkListenerTaskEnd',
        'Stage ID': i,
        'Stage Attempt ID': 0,
        'Task End Reason': failed
          ? { Reason: 'ExceptionFailure', 'Class Name': 'java.lang.OutOfMemoryError', Description: 'Java heap space' }
          : { Reason: 'Success' },
        'Task Info': { 'Task ID': i, 'Executor ID': '1', 'Launch Time': 1700000001000, 'Finish Time': 1700000002000 },
      });
      w({ Event: 'SparkListenerStageCompleted', 'Stage Info': failed ? { ...info, 'Failure Reason': `Job aborted ${i}` } : info });
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    let app: AppRead | undefined;
    for await (const r of readAll([file])) app = r.apps[0];
    const s = app!.state;
    expect(s.stages.size).toBe(MAX_STAGE_ATTEMPTS);
    expect([s.stagesTotal, s.stagesFailed, s.overflow.stages]).toEqual([total, 2, total - MAX_STAGE_ATTEMPTS]);
    expect(s.stages.get('7.0')?.failureReason).toBe('Job aborted 7');
    expect(s.stages.get(`${total - 1}.0`)).toMatchObject({ failureReason: `Job aborted ${total - 1}`, tasks: 1, failedTasks: 1 });
    // The rest kept are the latest ones.
    const kept = [...s.stages.values()].map((x) => x.stageId).filter((id) => id !== 7);
    expect(Math.min(...kept)).toBe(total - MAX_STAGE_ATTEMPTS + 1);
  });
});

describe('ten times past each cap, the CLI stays within the bound', () => {
  const none: Sizes = { executors: 0, stages: 0, names: 0, properties: 0, metrics: 0 };
  const cases: [keyof Sizes, number, (o: Overflow) => void][] = [
    ['executors', MAX_EXECUTORS * 10, (o) => expect(o.executors).toBe(MAX_EXECUTORS * 9)],
    ['stages', MAX_STAGE_ATTEMPTS * 10, (o) => expect(o.stages).toBe(MAX_STAGE_ATTEMPTS * 9)],
    // Spark's names before them (log start, environment, application start) take three of the slots.
    ['names', MAX_EVENT_NAMES * 100, (o) => expect(o.otherEvents).toBe(MAX_EVENT_NAMES * 100 - (MAX_EVENT_NAMES - 3))],
    // Two real properties come first besides.
    ['properties', MAX_PROPERTIES * 10, (o) => expect(o.properties).toBe(MAX_PROPERTIES * 9 + 2)],
    ['metrics', MAX_METRIC_NAMES * 10, (o) => expect(o).toBeUndefined()],
  ];
  for (const [what, count, check] of cases) {
    it(`${count} ${what}: read whole, the excess said, under the RSS bound`, async () => {
      const file = path.join(tmp, `x10-${what}.json`);
      await hostileLog(file, { ...none, [what]: count });
      const r = runCliMeasured(['inspect', '--format', 'json', file]);
      expect([r.code, r.stderr]).toEqual([0, '']);
      const a = (JSON.parse(r.stdout) as { applications: { executors: number; stages: { total: number }; overflow?: Overflow }[] })
        .applications[0]!;
      if (what === 'executors') expect(a.executors).toBe(count);
      if (what === 'stages') expect(a.stages.total).toBe(count);
      check(a.overflow!);
      expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
      if (what !== 'stages') return;
      // diagnose says what it did not keep, in the problems of the application.
      const d = runCliMeasured(['diagnose', '--format', 'json', file]);
      const problems = (JSON.parse(d.stdout) as { applications: { problems: { code: string; stages?: number }[] }[] }).applications[0]!
        .problems;
      expect(problems.find((p) => p.code === 'capped')).toMatchObject({ stages: MAX_STAGE_ATTEMPTS * 9 });
      expect(d.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
    });
  }
});

describe('failure messages are kept up to MAX_SIGNALS distinct ones', () => {
  it('counts the distinct messages past the cap, and only counts repeats of a kept one', () => {
    const book = new SignalBook();
    const at = { file: 'x.log', line: 1 };
    // Numbers are not what makes messages distinct (they are the same message of another task): letters are.
    const word = (i: number): string => i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    for (let i = 0; i < 1_000; i++) book.add({ source: 'stage-failure', text: `Lost task: hostile ${word(i)}`, at });
    for (let i = 0; i < 50; i++) book.add({ source: 'stage-failure', text: `Lost task: hostile ${word(0)}`, at });
    expect(book.all()).toHaveLength(400);
    expect(book.dropped).toBe(600);
    expect(book.all()[0]!.count).toBe(51);
  });
});

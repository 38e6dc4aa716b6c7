import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import type { Io } from '../../src/commands/io.js';
import { diagnoseApp, type Diagnosis } from '../../src/diagnose/index.js';
import { mergeInputs } from '../../src/diagnose/merge.js';
import { renderDiagnosisMarkdown } from '../../src/render/diagnose-markdown.js';
import { renderDiagnosisText } from '../../src/render/diagnose-text.js';
import { diagnosisSection } from '../../src/render/html/diagnosis.js';
import { makeStyle } from '../../src/render/style.js';
import { DiagnoseReportSchema, parseJson } from '../contract.js';
import { findingOf, fixture, hasShared, readPaths, runCli, SNIPPETS } from '../helpers.js';

/**
 * Plans without a memory layout (no event log, no executor heap): the changes that are plain settings are
 * planned and printed, the sizes are not, and applying the plan is a fixed point like any other.
 */
const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** One application of `file`, diagnosed as it ran, and again with `overrides` (a plan applied). */
async function appOf(file: string): Promise<{
  d: Diagnosis;
  again: (o: Record<string, string>) => Diagnosis;
  state: () => ReturnType<typeof mergeInputs>[number]['primary'];
}> {
  const [m] = mergeInputs(await readPaths([file], { acceptText: true }));
  return { d: diagnoseApp(m!.primary), again: (overrides) => diagnoseApp(m!.primary, { overrides }), state: () => m!.primary };
}

/** Nothing more to change once the plan is applied, and it still holds. */
function fixedPoint(d: Diagnosis, again: (o: Record<string, string>) => Diagnosis): Diagnosis {
  const next = again(d.plan!.conf);
  expect(next.plan?.conf ?? {}, 'the plan applied asks for more').toEqual({});
  if (d.plan!.holds) expect(next.plan?.holds).toBe(true);
  return next;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'st-settings-only-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An executor's log whose task failed with Kryo's own words `overflow` (KryoSerializer.serialize's wrapper). */
function kryoLog(name: string, overflow: string): string {
  const file = path.join(tmp, name);
  writeFileSync(
    file,
    [
      '24/01/01 10:00:00 INFO Executor: Running task 0.0 in stage 1.0 (TID 1)',
      '24/01/01 10:00:01 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)',
      `org.apache.spark.SparkException: Kryo serialization failed: ${overflow}. To avoid this, increase spark.kryoserializer.buffer.max value.`,
      '\tat org.apache.spark.serializer.KryoSerializerInstance.serialize(KryoSerializer.scala:392)',
      '\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:593)',
      '',
    ].join('\n'),
  );
  return file;
}

describe('a plan without a memory layout: Kryo', () => {
  it.skipIf(!hasShared)(
    'raises spark.kryoserializer.buffer.max from the default it ran with, and asks nothing more once applied',
    async () => {
      const { d, again } = await appOf(path.join(SNIPPETS, '36_kryo_buffer_overflow_spark3x_task_result.txt'));
      expect(d.layout).toBeNull();
      // "Available: 0, required: 1": the buffer full at the 64m default; doubled.
      expect(d.plan).toMatchObject({
        conf: { 'spark.kryoserializer.buffer.max': '128m' },
        executor: null,
        driver: null,
        clusterMemoryBefore: null,
        clusterMemoryAfter: null,
        holds: true,
        noLayout: { code: 'heap-unknown' },
        unmet: [],
      });
      expect(d.plan!.changes[0]).toMatchObject({
        from: '64m',
        reason: {
          messageId: 'kryo-buffer',
          data: { required: 1, buffer: 64 * MiB, bufferFrom: 'default', basis: 'doubled', capped: false },
        },
      });
      fixedPoint(d, again);
    },
  );

  it('takes the maximum Kryo states ("Max capacity") and the write that did not fit', async () => {
    // One write of 100,000,000 B against a 64 MiB maximum: 95.4 MiB × 1.25 = 119 MiB, under 64 MiB doubled.
    const { d, again } = await appOf(kryoLog('max-capacity.log', 'Buffer overflow. Max capacity: 67108864, required: 100000000'));
    expect(d.plan!.conf).toEqual({ 'spark.kryoserializer.buffer.max': '128m' });
    expect(d.plan!.changes[0]!.reason).toMatchObject({ data: { buffer: 64 * MiB, bufferFrom: 'message', needed: 100000000 } });
    fixedPoint(d, again);
    // 400,000,000 B: 381.5 MiB × 1.25 = 476.8 MiB, more than doubling: 512m, sized from what it needed.
    const big = await appOf(kryoLog('max-capacity-big.log', 'Buffer overflow. Max capacity: 67108864, required: 400000000'));
    expect(big.d.plan!.conf).toEqual({ 'spark.kryoserializer.buffer.max': '512m' });
    expect(big.d.plan!.changes[0]!.reason).toMatchObject({ data: { basis: 'needed' } });
    fixedPoint(big.d, big.again);
  });

  it('stops at 2047m, the most KryoSerializer accepts, and past it says no setting can help', async () => {
    // A write larger than 2047 MiB: no value Spark accepts holds it.
    const past = await appOf(kryoLog('past-cap.log', 'Buffer overflow. Max capacity: 67108864, required: 2200000000'));
    expect(past.d.plan?.conf ?? {}).toEqual({});
    const f = findingOf(past.d, 'kryo-buffer-overflow');
    expect(f.needs).toEqual([]);
    expect(f.remediation).toContainEqual(
      expect.objectContaining({
        conf: 'spark.kryoserializer.buffer.max',
        suggested: null,
        messageId: 'kryo-at-cap',
        data: { buffer: 64 * MiB, required: 2200000000, cap: 2047 * MiB },
      }),
    );
    // The log's setting is what it ran with: 1500m doubled would be refused, so 2047m, said to be the cap.
    const at = await appOf(kryoLog('available.log', 'Buffer overflow. Available: 0, required: 16'));
    at.state().state.sparkProperties['spark.kryoserializer.buffer.max'] = '1500m';
    const capped = diagnoseApp(at.state());
    expect(capped.plan!.conf).toEqual({ 'spark.kryoserializer.buffer.max': '2047m' });
    expect(capped.plan!.changes[0]).toMatchObject({ from: '1500m', reason: { data: { bufferFrom: 'configuration', capped: true } } });
    expect(diagnoseApp(at.state(), { overrides: capped.plan!.conf }).plan?.conf ?? {}).toEqual({});
    // Run at the cap already: nothing to set, and the advice to make the object smaller.
    at.state().state.sparkProperties['spark.kryoserializer.buffer.max'] = '2047m';
    const full = diagnoseApp(at.state());
    expect(full.plan?.conf ?? {}).toEqual({});
    expect(findingOf(full, 'kryo-buffer-overflow').remediation).toContainEqual(
      expect.objectContaining({ messageId: 'kryo-at-cap', data: { buffer: 2047 * MiB, required: 16, cap: 2047 * MiB } }),
    );
  });
});

describe('a plan without a memory layout: maxResultSize', () => {
  it.skipIf(!hasShared)(
    'raises the limit above the total the message states and the driver heap with it, keeps the advice to collect less',
    async () => {
      const { d, again } = await appOf(path.join(SNIPPETS, '17_maxresultsize_driver_log_spark2x_MB.txt'));
      expect(d.layout).toBeNull();
      // 1062.8 MB × 1.5 = 1594 MiB → 2g; the driver holds twice that plus 1 GiB: 5g. Its heap now is unknown.
      expect(d.plan!.conf).toEqual({ 'spark.driver.maxResultSize': '2g', 'spark.driver.memory': '5g' });
      expect(d.plan!.changes.find((c) => c.key === 'spark.driver.memory')).toMatchObject({
        from: null,
        reason: { messageId: 'driver-holds-results' },
      });
      expect(d.plan!.changes.find((c) => c.key === 'spark.driver.maxResultSize')).toMatchObject({
        from: '1g',
        reason: { messageId: 'max-result-size', data: { seen: Math.round(1062.8 * MiB) } },
      });
      const f = findingOf(d, 'max-result-size');
      expect(f.remediation.map((r) => r.messageId)).toEqual(
        expect.arrayContaining(['max-result-size', 'driver-holds-results', 'collect-less']),
      );
      fixedPoint(d, again);
      // A driver heap already above the need is kept, not lowered; the limit is still raised.
      expect(again({ 'spark.driver.memory': '8g' }).plan!.conf).toEqual({ 'spark.driver.maxResultSize': '2g' });
      // The need is anchored to the results, not to the limit being tried: a higher limit alone still asks for the heap.
      expect(again({ 'spark.driver.maxResultSize': '4g' }).plan!.conf).toEqual({ 'spark.driver.memory': '5g' });
    },
  );

  it('sizes the driver heap from the results, not from doubling the heap it ran with', async () => {
    // The event log's driver ran with 1g: 2 × 2g + 1g = 5g (as before); with 8g it is enough already.
    const { d, state } = await appOf(fixture('diagnose', 'max-result-size', 'spark24-MB'));
    expect(d.plan!.conf).toEqual({ 'spark.driver.maxResultSize': '2g', 'spark.driver.memory': '5g' });
    state().state.sparkProperties['spark.driver.memory'] = '8g';
    const big = diagnoseApp(state());
    expect(findingOf(big, 'max-result-size').needs).toContainEqual({ kind: 'driver-heap', heap: 5 * GiB, reason: 'results' });
    expect(big.plan!.conf).toEqual({ 'spark.driver.maxResultSize': '2g' });
  });
});

describe('a plan without a memory layout: the off-heap pool', () => {
  it.skipIf(!hasShared)('grows the pool Gluten states, learnt with the pool switched on, and asks nothing more once applied', async () => {
    const { d, again } = await appOf(path.join(SNIPPETS, '23_gluten_offheap_oom_not_enough_execution_memory.txt'));
    expect(d.layout).toBeNull();
    expect(d.problems).toContainEqual({
      code: 'learnt',
      fact: expect.objectContaining({ key: 'spark.memory.offHeap.enabled', value: 'true' }),
    });
    // 12 GiB × 1.5; the pool is on (GlutenPlugin starts only so), so only its size changes.
    expect(d.plan).toMatchObject({ conf: { 'spark.memory.offHeap.size': '18g' }, executor: null, holds: true });
    expect(d.plan!.changes[0]).toMatchObject({
      from: '12g',
      reason: { messageId: 'offheap-stated', data: { stated: 12 * GiB, taskCap: 3 * GiB } },
    });
    fixedPoint(d, again);
  });

  it('switches the pool on where nothing says it is', async () => {
    const { state } = await appOf(fixture('snippets-16', '10_gluten_tmm_dump_then_offheap_oom_consumer_tree.txt'));
    // As if the pool's line had not been learnt (a log past the facts kept): the size alone would count for nothing.
    delete state().state.derivedConf['spark.memory.offHeap.enabled'];
    const d = diagnoseApp(state());
    expect(d.plan!.conf).toEqual({ 'spark.memory.offHeap.size': '24g', 'spark.memory.offHeap.enabled': 'true' });
    expect(d.plan!.changes.find((c) => c.key === 'spark.memory.offHeap.enabled')).toMatchObject({
      from: 'false',
      reason: { messageId: 'offheap-enable' },
    });
    expect(diagnoseApp(state(), { overrides: d.plan!.conf }).plan?.conf ?? {}).toEqual({});
  });

  it('with a layout, grows the container by the pool’s growth once, and only where Spark adds the pool to it', async () => {
    // Spark 3.4 on YARN, 4g pool on: 4g × 1.5 = 6g, the container +2 GiB (YarnAllocator adds offHeap.size from 3.0).
    const { d, again, state } = await appOf(fixture('diagnose', 'offheap-oom', 'spark34-gluten'));
    expect(d.plan!.conf).toEqual({ 'spark.memory.offHeap.size': '6g' });
    const e = d.plan!.executor!;
    expect(e.containerAfter - e.containerBefore).toBe(2 * GiB);
    expect(d.plan!.changes[0]!.reason).toMatchObject({ messageId: 'offheap-grow', data: { container: e.containerAfter } });
    fixedPoint(d, again);
    // The same on Spark 2.4: YARN's request leaves the pool out (it lives in the overhead), so no container grows.
    state().state.sparkVersion = '2.4.8';
    const old = diagnoseApp(state());
    const o = old.plan!.executor!;
    expect(o.containerAfter).toBe(o.containerBefore);
    expect(old.plan!.changes[0]!.reason).toMatchObject({ messageId: 'offheap-grow', data: { container: o.containerBefore } });
  });
});

describe('a plan without a memory layout: a heap Spark states the minimum of', () => {
  it('sets the heap to the minimum Spark refused it under, with no container to show, and the layout after applies it', async () => {
    // The event log's spark.executor.memory=300m: Spark refuses it, so there is no layout (a config problem).
    const { d, again } = await appOf(fixture('diagnose', 'heap-below-minimum', 'spark34-yarn-executor-stderr-tail'));
    expect(d.layout).toBeNull();
    expect(d.plan).toMatchObject({
      conf: { 'spark.executor.memory': '1g' },
      executor: null,
      noLayout: { code: 'config' },
      holds: true,
    });
    expect(d.plan!.changes[0]).toMatchObject({ from: '300m', reason: { messageId: 'more-heap', data: { container: null } } });
    const next = fixedPoint(d, again);
    expect(next.plan!.executor).not.toBeNull();
  });
});

// --- every renderer, on a plan with no layout -------------------------------------------------------------

/** An Io that keeps what a command writes. */
function memoryIo(): Io & { stdout: () => string } {
  const out: string[] = [];
  return { out: (s) => void out.push(s), err: () => undefined, isTTY: false, env: {}, stdout: () => out.join('') };
}

const GLUTEN = fixture('snippets-16', '10_gluten_tmm_dump_then_offheap_oom_consumer_tree.txt');

async function render(format: 'text' | 'json' | 'markdown' | 'html', file = GLUTEN): Promise<string> {
  const io = memoryIo();
  await diagnoseCommand([file], { format, conf: {}, style: makeStyle(false) }, io);
  return io.stdout();
}

describe('renderers, a plan with no layout', () => {
  it('text: the setting to pass, that the sizes are not computed and what to pass for them, once', async () => {
    // Words as read, whatever the 80-column wrapping.
    const out = (await render('text')).replace(/\s+/g, ' ');
    const fix = out.slice(out.indexOf(' Fix '));
    expect(fix).toContain('--conf spark.memory.offHeap.size=24g (now 16g)');
    expect(fix).toContain('containers before → after not computed');
    expect(fix).not.toContain('executor container');
    // The layout note says what to pass; the plan's line points to it instead of repeating it.
    expect(out.split('pass --conf spark.executor.memory=<size>').length - 1).toBe(1);
    expect(fix).toContain('Spark version unknown: the keys are those of the newest release; each exists');
    expect(fix).toContain('spark.memory.offHeap.size from 1.6.0');
  });

  it('text: a heap set without a layout says the container is not computed', async () => {
    const out = (await render('text', fixture('diagnose', 'heap-below-minimum', 'spark34-yarn-executor-stderr-tail'))).replace(/\s+/g, ' ');
    expect(out).toContain('--conf spark.executor.memory=1g (now 300m)');
    expect(out).toContain('the executor container is not computed without a memory layout');
    expect(out).toContain('containers before → after not computed');
  });

  it.skipIf(!hasShared)('text: a driver heap the logs do not state reads "now unknown", not a default passed off as a fact', async () => {
    const out = (await render('text', path.join(SNIPPETS, '17_maxresultsize_driver_log_spark2x_MB.txt'))).replace(/\s+/g, ' ');
    expect(out).toContain('--conf spark.driver.memory=5g (now unknown)');
    expect(out).toContain('--conf spark.driver.maxResultSize=2g (now 1g)');
    expect(out).toContain('the results reached 1062.8 MiB');
    // The advice to collect less stays, after the settings.
    expect(out.indexOf('the action collects too much')).toBeGreaterThan(out.indexOf('--conf spark.driver.memory=5g'));
  });

  it('JSON: the contract, executor and cluster figures null, noLayout saying why', async () => {
    const report = parseJson(DiagnoseReportSchema, await render('json'));
    const plan = report.applications[0]!.plan!;
    expect(plan).toMatchObject({
      conf: { 'spark.memory.offHeap.size': '24g' },
      executor: null,
      driver: null,
      clusterMemoryBefore: null,
      clusterMemoryAfter: null,
      noLayout: { code: 'heap-unknown' },
    });
    expect(plan.why).toContain('containers not computed (no memory layout)');
  });

  it('Markdown: the setting, no before/after table, the sizes said to be not computed', async () => {
    const out = await render('markdown');
    expect(out).toContain('`--conf spark.memory.offHeap.size=24g` (now `16g`)');
    expect(out).not.toContain('| executor container |');
    expect(out).toContain('containers before → after not computed');
  });

  it('HTML: the setting, no before/after table, the sizes said to be not computed', async () => {
    const out = await render('html');
    const plan = out.slice(out.indexOf('<section class="card plan">'));
    expect(plan).toContain('--conf spark.memory.offHeap.size=24g');
    expect(plan.slice(0, plan.indexOf('</section>'))).not.toContain('ba-table');
    expect(plan).toContain('containers before → after not computed');
  });

  it('scan: the row’s fix, its JSON and the fleet’s plan for an event log whose layout Spark refuses', () => {
    const log = mkdtempSync(path.join(tmp, 'scan-'));
    copyFileSync(fixture('diagnose', 'heap-below-minimum', 'spark34-yarn-executor-stderr-tail'), path.join(log, 'app-1'));
    const csv = runCli(['scan', '--format', 'csv', log]);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[1]).toContain(',spark.executor.memory=1g,');
    const row = JSON.parse(runCli(['scan', '--format', 'jsonl', log]).stdout.split('\n')[0]!) as { plan: Record<string, unknown> };
    expect(row.plan).toMatchObject({ conf: { 'spark.executor.memory': '1g' }, executor: null, noLayout: { code: 'config' } });
    const fleet = runCli(['scan', '--by', 'app-name', log]);
    expect(fleet.stdout).toContain('plan: --conf spark.executor.memory=1g');
  });
});

describe('a plan with no layout, its text from the log escaped', () => {
  it('a heap value Spark refuses is quoted in every format without its controls or markup', async () => {
    const { state } = await appOf(fixture('diagnose', 'heap-below-minimum', 'spark34-yarn-executor-stderr-tail'));
    const hostile = '300m\u001b]0;pwned\u0007\u001b[31m<script>alert(1)</script>`|';
    state().state.sparkProperties['spark.executor.memory'] = hostile;
    const d = diagnoseApp(state());
    expect(d.plan).toMatchObject({ conf: { 'spark.executor.memory': '1g' }, executor: null, noLayout: { code: 'config' } });
    expect(d.plan!.changes[0]!.from).toBe(hostile);
    const text = renderDiagnosisText(d, makeStyle(false));
    expect(text).toContain('--conf spark.executor.memory=1g');
    expect(text).not.toMatch(/[\u0007\u001b]/);
    const markdown = renderDiagnosisMarkdown(d);
    // Markdown quotes it in a code span it cannot close (markup inside one is shown, not rendered).
    expect(markdown).not.toMatch(/[\u0007\u001b]/);
    expect(markdown).toContain('(now ``300m\\x1b]0;pwned\\x07\\x1b[31m<script>alert(1)</script>`|``)');
    const page = diagnosisSection(d, 'app-0', null);
    expect(page).toContain('containers before → after not computed');
    expect(page).not.toContain('<script>');
  });
});

import type { MemoryLayout, MemoryReport } from '../memory/index.js';
import { peaksAgainstLimits } from '../memory/index.js';
import { escapeControl } from './escape.js';
import type { Style } from './style.js';
import { reportNoteText } from './words/problems.js';
import { fmtBytes } from './units.js';

const BAR_WIDTH = 60;

/** The whiteboard drawing: every region with its size and formula, a stacked bar of the container. */
export function renderMemoryText(layout: MemoryLayout, report: MemoryReport, st: Style): string {
  const e = layout.executor;
  const d = layout.driver;
  const p = layout.params;
  const out: string[] = [];
  const row = (indent: number, label: string, size: number, formula: string): string =>
    `${' '.repeat(indent)}${label.padEnd(18 - indent)}${fmtBytes(size).padStart(10)}   ${st.dim(formula)}`;
  const where = `${layout.clusterManager}, ${layout.sparkVersion ? `Spark ${layout.sparkVersion}` : 'Spark version unknown'}`;

  out.push(st.bold(`Executor (${escapeControl(where)})`) + `   container ${fmtBytes(e.container)}`);
  out.push(`  ${bar(layout, st)}`);
  out.push(`  ${legend(st)}`);
  out.push(
    row(
      2,
      'heap',
      e.heap,
      layout.clusterManager === 'local'
        ? 'spark.driver.memory (-Xmx; local mode: the executor is the driver JVM)'
        : 'spark.executor.memory (-Xmx)',
    ),
  );
  const jvm = layout.jvm.executor;
  if (jvm.maxMemory < e.heap)
    out.push(
      row(
        4,
        'not counted',
        e.heap - jvm.maxMemory,
        `one survivor space: Runtime.maxMemory under the ${jvm.collector.collector} collector; Spark sizes everything below from it`,
      ),
    );
  if (layout.legacyMode) {
    out.push(row(4, 'storage', e.storage, 'Runtime.maxMemory × spark.storage.memoryFraction × safetyFraction (fixed)'));
    out.push(row(4, 'execution', e.execution, 'Runtime.maxMemory × spark.shuffle.memoryFraction × safetyFraction (fixed)'));
    out.push(row(4, 'user', e.user, 'the rest of the heap'));
  } else {
    const base = jvm.systemMemory === e.heap ? 'heap' : jvm.systemMemory === jvm.maxMemory ? 'maxMemory' : 'spark.testing.memory';
    out.push(
      row(
        4,
        'reserved',
        e.reserved,
        e.reserved === 300 * 1024 * 1024
          ? 'fixed 300 MiB (UnifiedMemoryManager)'
          : 'spark.testing.reservedMemory / spark.testing (UnifiedMemoryManager)',
      ),
    );
    out.push(row(4, 'user', e.user, `(${base} − reserved) × (1 − ${p.memoryFraction})   your objects, UDFs, Spark metadata`));
    out.push(row(4, 'unified', e.unified, `(${base} − reserved) × spark.memory.fraction ${p.memoryFraction}`));
    out.push(
      row(6, 'storage', e.storage, `unified × spark.memory.storageFraction ${p.storageFraction}   cache, broadcasts (evictable past this)`),
    );
    out.push(row(6, 'execution', e.execution, 'unified − storage   shuffles, joins, sorts, aggregations (may borrow all of unified)'));
  }
  const slots = `${p.slots} concurrent ${p.slots === 1 ? 'task' : 'tasks'} (${e.cores} ${e.cores === 1 ? 'core' : 'cores'} / spark.task.cpus ${p.taskCpus})`;
  out.push(
    `    ${'per task'.padEnd(14)}${`${fmtBytes(e.perTaskMin)} – ${fmtBytes(e.perTaskMax)}`.padStart(10)}   ${st.dim(`execution / 2N … ${layout.legacyMode ? 'execution' : 'unified'} / N, ${slots}`)}`,
  );
  out.push(
    row(
      2,
      'overhead',
      e.overhead,
      e.overhead > 0 ? 'off-heap JVM (metaspace, threads, Netty), Python workers unless pyspark is set' : 'none reserved',
    ),
  );
  if (e.offHeap > 0) out.push(row(2, 'off-heap', e.offHeap, 'spark.memory.offHeap.size (Tungsten)'));
  if (e.pyspark > 0) out.push(row(2, 'pyspark', e.pyspark, 'spark.executor.pyspark.memory (Python workers)'));
  out.push(row(2, 'container', e.container, 'what YARN / Kubernetes kills the executor at'));
  out.push('');
  out.push(st.bold('Driver'));
  out.push(row(2, 'heap', d.heap, 'spark.driver.memory'));
  out.push(
    row(
      2,
      'maxResultSize',
      d.maxResultSize,
      d.maxResultSize === 0 ? 'unlimited (0)' : 'spark.driver.maxResultSize: collect() results above this abort the job',
    ),
  );
  if (d.overhead > 0) out.push(row(2, 'overhead', d.overhead, 'spark.driver.memoryOverhead'));
  out.push(row(2, 'container', d.container, d.overhead > 0 ? 'heap + overhead' : 'no container (client or local mode)'));

  if (report.observed) {
    out.push('', st.bold('Observed in the log'));
    const groups = new Map<string, string[]>();
    for (const [id, o] of Object.entries(report.observed.executors)) {
      const key = `${o.maxMemory ?? '?'}|${o.maxOnHeap ?? '?'}|${o.maxOffHeap ?? '?'}`;
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    for (const [key, ids] of groups) {
      const [max, on, off] = key.split('|');
      const who = ids.length > 3 ? `${ids.length} executors` : `executor ${escapeControl(ids.join(', '))}`;
      if (max !== '?')
        out.push(
          `  ${who}: BlockManager Maximum Memory ${fmtBytes(Number(max))}${on !== '?' ? ` (on-heap ${fmtBytes(Number(on))}, off-heap ${fmtBytes(Number(off))})` : ''}`,
        );
    }
    const worst = new Map<string, { value: number; limit: number; percent: number | null; region: string; id: string }>();
    for (const [id, o] of Object.entries(report.observed.executors)) {
      for (const pk of peaksAgainstLimits(e, o.peaks)) {
        const prev = worst.get(pk.metric);
        if (!prev || pk.value > prev.value) worst.set(pk.metric, { ...pk, id });
      }
    }
    if (worst.size > 0) out.push('  peaks (highest executor):');
    for (const [metric, w] of worst) {
      const pct = w.percent === null ? '' : `${w.percent}% of ${w.region} ${fmtBytes(w.limit)}`;
      const text = `${metric.padEnd(28)}${fmtBytes(w.value).padStart(10)}   ${pct}  (executor ${escapeControl(w.id)})`;
      out.push(`    ${w.percent !== null && w.percent >= 90 ? st.red(text) : text}`);
    }
  }
  if (report.notes.length > 0) {
    out.push('', st.bold('Notes'));
    for (const n of report.notes) out.push(`  - ${escapeControl(reportNoteText(n))}`);
  }
  return `${out.join('\n')}\n`;
}

/** Heap (reserved|user|storage|execution), then overhead, off-heap, PySpark, scaled to the container. */
function bar(layout: MemoryLayout, st: Style): string {
  const e = layout.executor;
  const total = Math.max(e.container, e.heap + e.overhead + e.offHeap + e.pyspark);
  const segs: Array<[number, string, (s: string) => string]> = [
    [Math.max(0, e.heap - layout.jvm.executor.maxMemory), '-', st.dim],
    [e.reserved, 'r', st.dim],
    [e.user, 'u', st.cyan],
    [e.storage, 'S', st.green],
    [e.execution, 'E', st.yellow],
    [e.overhead, 'o', st.red],
    [e.offHeap, 'h', st.dim],
    [e.pyspark, 'p', st.cyan],
  ];
  let used = 0;
  let s = '';
  segs.forEach(([size, ch, color]) => {
    if (size <= 0) return;
    const start = Math.round((used / total) * BAR_WIDTH);
    const end = Math.round(((used + size) / total) * BAR_WIDTH);
    used += size;
    s += color(ch.repeat(Math.max(1, end - start)));
  });
  return `[${s}]`;
}

function legend(st: Style): string {
  return st.dim('r reserved  u user  S storage  E execution  o overhead  h off-heap  p pyspark');
}

import { readAll } from '../input/read.js';
import { memoryReport, MemoryConfigError } from '../memory/index.js';
import { escapeControl, jsonText } from '../render/escape.js';
import { failuresText, memoryJson } from '../render/json.js';
import { renderMemoryText } from '../render/memory-text.js';
import { memoryErrorText } from '../render/memory-words.js';
import type { Style } from '../render/style.js';
import type { AppState, ClusterManager } from '../state/app.js';
import { EXIT_OK, EXIT_USAGE, type Io } from './io.js';

export interface MemoryCommandOptions {
  conf: Record<string, string>;
  master: ClusterManager | null;
  sparkVersion: string | null;
  from: string | null;
  python: boolean | null;
  deployMode: 'client' | 'cluster' | null;
  format: 'text' | 'json';
  style: Style;
}

/** `memory`: the layout Spark computes, from settings or from an event log (with what it observed). */
export async function memoryCommand(opts: MemoryCommandOptions, io: Io): Promise<number> {
  let state: AppState | null = null;
  if (opts.from !== null) {
    let failed: { path: string; why: string } | null = null;
    const states: AppState[] = [];
    for await (const read of readAll([opts.from], { helperThread: true })) {
      if (read.failures.length > 0) failed ??= { path: read.path, why: failuresText(read.failures) };
      for (const a of read.apps) if (a.stats.events > 0) states.push(a.state);
    }
    if (states.length === 0) {
      io.err(`spark-triage: ${escapeControl(failed?.path ?? opts.from)}: ${escapeControl(failed?.why ?? 'no Spark event log found')}\n`);
      return EXIT_USAGE;
    }
    state = states[0]!;
    if (states.length > 1)
      io.err(
        `spark-triage: ${escapeControl(opts.from)} holds ${states.length} applications; showing the first (${escapeControl(state.appId ?? 'no id')})\n`,
      );
  }
  try {
    const { layout, report } = memoryReport(state, {
      overrides: opts.conf,
      master: opts.master,
      sparkVersion: opts.sparkVersion,
      python: opts.python,
      deployMode: opts.deployMode,
    });
    io.out(opts.format === 'json' ? `${jsonText(memoryJson(report), 2)}\n` : renderMemoryText(layout, report, opts.style));
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof MemoryConfigError)) throw e;
    io.err(`spark-triage: ${escapeControl(memoryErrorText(e))}\n`);
    return EXIT_USAGE;
  }
}

import { diagnoseApp, hasCriticalMemoryFailure } from '../diagnose/index.js';
import { mergeInputs } from '../diagnose/merge.js';
import { readAll, type InputRead } from '../input/read.js';
import { jsonText } from '../render/escape.js';
import { renderDiagnosisMarkdown } from '../render/diagnose-markdown.js';
import { renderDiagnosisText } from '../render/diagnose-text.js';
import { diagnosisJson, inputJson } from '../render/json.js';
import type { Style } from '../render/style.js';
import { EXIT_DIAGNOSED, EXIT_OK, EXIT_USAGE, reportFailures, type Io } from './io.js';

export interface DiagnoseCommandOptions {
  format: 'text' | 'json' | 'markdown';
  conf: Record<string, string>;
  style: Style;
}

/**
 * `diagnose`: inputs are read first, then joined per application (event log + container logs +
 * kubectl), diagnosed and rendered. The states of one batch are held together, each bounded by
 * executors and stages.
 */
export async function diagnoseCommand(paths: string[], opts: DiagnoseCommandOptions, io: Io): Promise<number> {
  const reads: InputRead[] = [];
  for await (const read of readAll(paths, { acceptText: true, helperThread: true })) {
    reportFailures(read, io);
    reads.push(read);
  }
  const unreadable = reads.filter((r) => r.failures.length > 0).length;
  let critical = 0;
  const applications: unknown[] = [];
  for (const m of mergeInputs(reads)) {
    const d = diagnoseApp(m.primary, { overrides: opts.conf });
    if (m.sources.length > 1) d.problems.unshift({ code: 'joined', sources: m.sources });
    if (hasCriticalMemoryFailure(d)) critical++;
    if (opts.format === 'json') applications.push(diagnosisJson(d));
    else io.out(`${opts.format === 'markdown' ? renderDiagnosisMarkdown(d) : renderDiagnosisText(d, opts.style)}\n`);
  }
  const code = unreadable > 0 ? EXIT_USAGE : critical > 0 ? EXIT_DIAGNOSED : EXIT_OK;
  if (opts.format === 'json')
    io.out(`${jsonText({ inputs: reads.map(inputJson), applications, exit: { code, critical, unreadable } }, 2)}\n`);
  return code;
}

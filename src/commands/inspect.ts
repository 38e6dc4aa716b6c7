import { readAll, type ReadOptions } from '../input/read.js';
import { JsonDocWriter } from '../render/json-doc.js';
import { applicationJson, inputJson } from '../render/json.js';
import { renderInspectText } from '../render/inspect-text.js';
import type { Style } from '../render/style.js';
import { TempSpool } from '../sources/temp.js';
import { EXIT_OK, EXIT_USAGE, reportFailures, type Io } from './io.js';

export interface InspectOptions {
  format: 'text' | 'json';
  style: Style;
  /** Threads one large log may be read on (io.ts threadOptions: the CLI gives 'auto' unless --jobs); one unless given. */
  threads?: Pick<ReadOptions, 'jobs' | 'splitBytes' | 'splitSegment' | 'splitInline'>;
}

/**
 * `inspect`: what is in each log. Text is written as each input is read, so a directory of
 * thousands of logs never holds more than one input's state. JSON says every input before any
 * application: both wait on disk (one spool each) until the last input is read, never in memory.
 */
export async function inspectCommand(paths: string[], opts: InspectOptions, io: Io): Promise<number> {
  if (opts.format !== 'json') {
    let unreadable = false;
    for await (const read of readAll(paths, { helperThread: true, ...opts.threads })) {
      reportFailures(read, io);
      unreadable ||= read.failures.length > 0;
      io.out(renderInspectText([read], opts.style));
    }
    return unreadable ? EXIT_USAGE : EXIT_OK;
  }
  const inputs = new TempSpool('spark-triage-out-', 'output');
  let applications: TempSpool | null = null;
  try {
    applications = new TempSpool('spark-triage-out-', 'output');
    let unreadable = false;
    for await (const read of readAll(paths, { helperThread: true, ...opts.threads })) {
      reportFailures(read, io);
      unreadable ||= read.failures.length > 0;
      inputs.write(`${JSON.stringify(inputJson(read))}\n`);
      for (const a of read.apps) if (a.stats.events > 0) applications.write(`${JSON.stringify(applicationJson(a))}\n`);
    }
    const doc = new JsonDocWriter(io.out);
    for (const [name, spool] of [['inputs', inputs] as const, ['applications', applications] as const]) {
      doc.openArray(name);
      spool.drainLines((line) => doc.item(JSON.parse(line)));
      doc.closeArray();
    }
    doc.end();
    return unreadable ? EXIT_USAGE : EXIT_OK;
  } finally {
    inputs.remove();
    applications?.remove();
  }
}

import { readAll } from '../input/read.js';
import { jsonText } from '../render/escape.js';
import { applicationJson, inputJson, type ApplicationSummary, type InputSummary } from '../render/json.js';
import { renderInspectText } from '../render/inspect-text.js';
import type { Style } from '../render/style.js';
import { EXIT_OK, EXIT_USAGE, reportFailures, type Io } from './io.js';

export interface InspectOptions {
  format: 'text' | 'json';
  style: Style;
}

/**
 * `inspect`: what is in each log. Text is written as each input is read, so a directory of
 * thousands of logs never holds more than one input's state; JSON is one document at the end.
 */
export async function inspectCommand(paths: string[], opts: InspectOptions, io: Io): Promise<number> {
  const inputs: InputSummary[] = [];
  const applications: ApplicationSummary[] = [];
  let unreadable = false;
  for await (const read of readAll(paths, { helperThread: true })) {
    reportFailures(read, io);
    unreadable ||= read.failures.length > 0;
    if (opts.format === 'json') {
      inputs.push(inputJson(read));
      applications.push(...read.apps.filter((a) => a.stats.events > 0).map(applicationJson));
    } else {
      io.out(renderInspectText([read], opts.style));
    }
  }
  if (opts.format === 'json') io.out(`${jsonText({ inputs, applications }, 2)}\n`);
  return unreadable ? EXIT_USAGE : EXIT_OK;
}

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { problemOf } from '../errors.js';
import { escapeControl, jsonText } from '../render/escape.js';
import type { Style } from '../render/style.js';
import { inputErrorText } from '../render/words/input-errors.js';
import { isRowView, prepareView, RowWriter, scanRoot, type RowView, type ScanFormat } from '../scan/output.js';
import { EXIT_OK, EXIT_USAGE, tableWidth, UsageError, type Io } from './io.js';

export interface MergeOptions {
  format: ScanFormat;
  /** The scanned directory, for the table's paths; '' to show them whole. */
  root: string;
  /** --by app-name: one summary per application name (src/scan/fleet.ts). */
  by: 'app-name' | null;
  style: Style;
  color: boolean;
}

/** The longest line merge reads: a scan row of an application at every cap is far shorter. Our choice. */
const MAX_ROW_CHARS = 64 * 1024 * 1024;

/**
 * `merge`: the rows of several `scan --format jsonl` runs written as one scan writes them — the
 * shards of one directory give the table, CSV, JSONL, totals and HTML page a single scan gives (row
 * order aside: failed first, then the rest, each in the order read; the page needs rows scanned with
 * --for-html, and draws the others' cells only, said once on stderr). Rows stream through; memory
 * stays flat. A line that is not a scan row is said (file and line) and skipped; the exit code is then 2.
 */
export async function mergeCommand(files: string[], opts: MergeOptions, io: Io): Promise<number> {
  if (opts.by !== null && opts.format === 'html')
    throw new UsageError('--by app-name: takes --format table, jsonl or csv (the HTML page shows runs, not groups)');
  const shape = { width: tableWidth(io), root: scanRoot(opts.root) };
  // The page says what was scanned: the directory (as --root gives it), every log in it.
  const filters = { root: opts.root, failedOnly: false, since: null, appName: null, limit: null };
  const writer = new RowWriter(opts.format, io.out, opts.style, shape, filters, opts.by);
  writer.open();
  let bad = 0;
  let withoutPage = 0;
  // A row's place among its log's rows (a zip of several attempts), for the page's anchors as scan makes them.
  let last: { path: string; n: number } = { path: '', n: 0 };
  try {
    for (const file of files) {
      const shown = escapeControl(file);
      const stream = file === '-' ? process.stdin : createReadStream(file);
      let n = 0;
      try {
        for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
          n++;
          if (line.trim() === '') continue;
          const v = line.length <= MAX_ROW_CHARS ? parse(line) : null;
          if (v === null) {
            io.err(`spark-triage: ${shown}:${n}: not a row of scan --format jsonl\n`);
            bad++;
            continue;
          }
          last = last.path === v.path ? { path: v.path, n: last.n + 1 } : { path: v.path, n: 0 };
          // Written again as scan writes JSON (C1 and bidi controls escaped), not as the file had it.
          const row = prepareView(v, `${jsonText(v)}\n`, opts.format, opts.color, shape, last.n);
          if (row.pageData === false) withoutPage++;
          writer.add(row);
        }
      } catch (e) {
        io.err(`spark-triage: ${shown}: ${escapeControl(inputErrorText(problemOf(e)))}\n`);
        bad++;
      }
    }
    writer.finish();
    if (withoutPage > 0)
      io.err(
        `spark-triage: ${withoutPage} row${withoutPage === 1 ? '' : 's'} without the page's data (scanned without --for-html): shown without their diagnosis\n`,
      );
  } finally {
    writer.cleanup();
  }
  return bad > 0 ? EXIT_USAGE : EXIT_OK;
}

/** The row as written (its keys in their order), once it is known to have a scan row's shape. */
function parse(line: string): RowView | null {
  try {
    const raw: unknown = JSON.parse(line);
    return isRowView(raw) ? raw : null;
  } catch {
    return null;
  }
}

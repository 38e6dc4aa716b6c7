import { diagnoseApp, hasCriticalMemoryFailure } from '../diagnose/index.js';
import { joinPlanned, mergeKey, planMerge, type MergeKey, type SourcedApp } from '../diagnose/merge.js';
import { hasContent, readInput, unrecognised, type AppRead, type InputRead, type ReadOptions } from '../input/read.js';
import { renderDiagnosisMarkdown } from '../render/diagnose-markdown.js';
import { renderDiagnosisText } from '../render/diagnose-text.js';
import { diagnosisSection, emptyPage, indexEnd, indexRow, indexStart, sectionRef, type SectionRef } from '../render/html/diagnosis.js';
import { pageEnd, pageStart } from '../render/html/page.js';
import { JsonDocWriter } from '../render/json-doc.js';
import { diagnosisJson, inputJson } from '../render/json.js';
import type { Style } from '../render/style.js';
import { resolveInputs } from '../sources/resolve.js';
import { TempSpool } from '../sources/temp.js';
import { EXIT_DIAGNOSED, EXIT_OK, EXIT_USAGE, reportFailures, type Io } from './io.js';

export interface DiagnoseCommandOptions {
  format: 'text' | 'json' | 'markdown' | 'html';
  conf: Record<string, string>;
  style: Style;
  /** HELD_BYTES unless given (tests read everything twice with 0). */
  heldBytes?: number;
  /** SUMMARIES_HELD unless given (tests spool every summary with 0). */
  summariesHeld?: number;
  /** Threads one large log may be read on (io.ts threadOptions: the CLI gives 'auto' unless --jobs); one unless given. */
  threads?: Pick<ReadOptions, 'jobs' | 'splitBytes' | 'splitSegment' | 'splitInline'>;
}

const READ: ReadOptions = { acceptText: true, helperThread: true };

/**
 * What a batch keeps read, from reading to diagnosing: at most HELD_INPUTS inputs, and at most
 * HELD_BYTES of their application state (AppState.footprint). The others are read again when their
 * application is diagnosed. Holding saves a second read of a large log (the usual batch: one event
 * log and its container logs); for many small ones it saves nothing (60,000 small logs: 106 s read
 * twice, 115 s held to 64 MiB) and costs three to four times what it holds, as V8 grows the heap
 * with what is live (held 0, 16 and 64 MiB: peak RSS 213, 366 and 425 MiB). Our choice: 16 inputs
 * and 64 MiB, which hold any few logs whole (a log at every cap holds ~46 MiB).
 */
const HELD_INPUTS = 16;
const HELD_BYTES = 64 * 1024 * 1024;

/** An input of the batch: where to read it again, its reading while held, what JSON says of it. */
interface BatchInput {
  /** As shown, and given back to resolveInputs to read it again (names that are not UTF-8 too). */
  path: string;
  read: InputRead | null;
  /** Its applications not yet diagnosed: the reading is let go when none is left. */
  pending: number;
}

/** An application read from one input of the batch. */
interface BatchApp extends MergeKey {
  input: number;
  /** Its index in the input's applications (as read, one per application log). */
  app: number;
}

/**
 * `diagnose`: inputs are read first, then joined per application (event log + container logs +
 * kubectl), diagnosed and rendered one application at a time. What joins what is known from every
 * input's keys (merge.ts planMerge), so readings need not be held: within HELD_BYTES they are,
 * beyond it they are read again. Output is written as each application is diagnosed, JSON too.
 */
export async function diagnoseCommand(paths: string[], opts: DiagnoseCommandOptions, io: Io): Promise<number> {
  // JSON's input summaries, or the HTML page's index: written as the batch goes, read back at the end.
  const summaries = opts.format === 'json' || opts.format === 'html' ? new Summaries(opts.summariesHeld ?? SUMMARIES_HELD) : null;
  try {
    return await diagnoseBatch(paths, opts, io, summaries);
  } finally {
    summaries?.remove();
  }
}

/**
 * Characters of summaries held in memory before they go to a temporary file (our choice: a summary
 * is ~0.5 KB, so a batch of up to ~100 inputs never touches the disk; the spool's own batch size).
 * A small batch was making, writing, reading back and removing a private directory at every start:
 * ~1.6 ms of a tiny log's ~70 ms, with Node's os and recursive-removal modules loaded for it.
 */
const SUMMARIES_HELD = 64 * 1024;

/** Lines written as the batch goes and read back once at the end: in memory up to SUMMARIES_HELD, then spooled. */
class Summaries {
  constructor(private readonly held: number) {}

  private lines: string[] = [];
  private chars = 0;
  private spool: TempSpool | null = null;

  write(line: string): void {
    if (this.spool) return this.spool.write(`${line}\n`);
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars <= this.held) return;
    this.spool = new TempSpool('spark-triage-out-', 'output');
    for (const l of this.lines) this.spool.write(`${l}\n`);
    this.lines = [];
  }

  /** Hands the lines back in order, then forgets them. */
  drainLines(each: (line: string) => void): void {
    if (this.spool) return this.spool.drainLines(each);
    const lines = this.lines;
    this.remove();
    for (const l of lines) each(l);
  }

  remove(): void {
    this.lines = [];
    this.chars = 0;
    this.spool?.remove();
  }
}

async function diagnoseBatch(paths: string[], opts: DiagnoseCommandOptions, io: Io, summaries: Summaries | null): Promise<number> {
  const inputs: BatchInput[] = [];
  const apps: BatchApp[] = [];
  let unreadable = 0;
  let held = 0;
  let heldInputs = 0;
  for await (const resolved of resolveInputs(paths)) {
    const read = await readInput(resolved, { ...READ, ...opts.threads });
    // The one file named on the command line, when it is no log, is said; text beside other logs (a
    // manifest in a directory, an executor's stdout given with its event log) is passed over, as before.
    const named = paths.length === 1 && paths[0] === resolved.path;
    if (named && read.failures.length === 0 && read.apps.some(unrecognised) && !read.apps.some((a) => hasContent(a) && !unrecognised(a)))
      read.failures.push({ part: null, problem: { code: 'not-recognised', data: {} } });
    reportFailures(read, io);
    if (read.failures.length > 0) unreadable++;
    let pending = 0;
    read.apps.forEach((a, k) => {
      if (!hasContent(a) || (named && unrecognised(a))) return;
      apps.push({ input: inputs.length, app: k, ...mergeKey(a) });
      pending++;
    });
    const cost = read.apps.reduce((n, a) => n + a.state.footprint(), 0);
    // Standard input cannot be read twice: it is always held.
    const fits = heldInputs < HELD_INPUTS && held + cost <= (opts.heldBytes ?? HELD_BYTES);
    const keep = pending > 0 && (resolved.path === '-' || fits);
    if (keep) {
      held += cost;
      heldInputs++;
    }
    inputs.push({ path: read.path, read: keep ? read : null, pending });
    // JSON says every input before any application: what it says waits on disk, not in memory.
    if (opts.format === 'json') summaries?.write(JSON.stringify(inputJson(read)));
  }

  const doc = opts.format === 'json' ? new JsonDocWriter(io.out) : null;
  if (doc) {
    doc.openArray('inputs');
    summaries!.drainLines((line) => doc.item(JSON.parse(line)));
    doc.closeArray();
    doc.openArray('applications');
  }
  const page = opts.format === 'html';
  if (page) io.out(pageStart('spark-triage diagnosis'));
  let sections = 0;
  let critical = 0;
  for (const plan of planMerge(apps)) {
    const members: SourcedApp[] = [];
    for (const i of [plan.primary, ...plan.joined]) {
      const found = await appOf(inputs, apps[i]!, io, { ...READ, ...opts.threads });
      if (found === null) unreadable++;
      else members.push(found);
    }
    if (members.length === 0) continue;
    const m = joinPlanned(members[0]!, members.slice(1));
    const d = diagnoseApp(m.primary, { overrides: opts.conf });
    if (m.sources.length > 1) d.problems.unshift({ code: 'joined', sources: m.sources });
    if (hasCriticalMemoryFailure(d)) critical++;
    if (doc) doc.item(diagnosisJson(d));
    else if (page) {
      const id = `app-${++sections}`;
      io.out(diagnosisSection(d, id, m.primary.state.timelineView()));
      summaries!.write(JSON.stringify(sectionRef(d, id)));
    } else io.out(`${opts.format === 'markdown' ? renderDiagnosisMarkdown(d) : renderDiagnosisText(d, opts.style)}\n`);
  }
  const code = unreadable > 0 ? EXIT_USAGE : critical > 0 ? EXIT_DIAGNOSED : EXIT_OK;
  if (page) {
    if (sections === 0) io.out(emptyPage());
    // The index comes last, as the sections are written as they are diagnosed; the page shows it first (CSS order).
    if (sections > 1) {
      io.out(indexStart(`${sections} applications`));
      summaries!.drainLines((line) => io.out(indexRow(JSON.parse(line) as SectionRef)));
      io.out(indexEnd());
    }
    io.out(pageEnd());
  }
  if (doc) {
    doc.closeArray();
    doc.member('exit', { code, critical, unreadable });
    doc.end();
  }
  return code;
}

/**
 * One application of the batch, from its held reading or read again (that application only). Null,
 * the failure said, when reading it again fails (the file went or changed between the two reads).
 */
async function appOf(inputs: BatchInput[], at: BatchApp, io: Io, read: ReadOptions): Promise<SourcedApp | null> {
  const input = inputs[at.input]!;
  let app: AppRead | undefined;
  let kind: string;
  if (input.read) {
    app = input.read.apps[at.app];
    kind = input.read.kind;
  } else {
    // Its failures, if any, were said after the first read; said again only if it now yields nothing.
    const again = await readAgain(input.path, at.app, read);
    app = again.apps[0];
    kind = again.kind;
    if (!app || !hasContent(app)) reportFailures(again, io);
  }
  if (--input.pending === 0) input.read = null;
  return app && hasContent(app) ? { app, source: { path: input.path, kind } } : null;
}

/** The `index`th application of the input shown as `shown`, resolved and read again (that one only). */
async function readAgain(shown: string, index: number, read: ReadOptions): Promise<InputRead> {
  for await (const r of resolveInputs([shown])) {
    if (r.path !== shown || r.error !== undefined || !r.apps[index]) continue;
    return readInput({ ...r, apps: [r.apps[index]] }, read);
  }
  return {
    path: shown,
    kind: 'event-log',
    layout: 'single',
    compression: null,
    apps: [],
    failures: [{ part: null, problem: { code: 'input-changed', data: {} } }],
  };
}

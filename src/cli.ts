import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { runScan } from './scan/index.js';
import type { ScanFormat } from './scan/output.js';
import { globToRegExp, parseSince } from './scan/filters.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { describeError } from './errors.js';
import { memoryReport, MemoryConfigError } from './memory/index.js';
import { renderMemoryText } from './render/memory-text.js';
import { CLASSIFIERS, byCode } from './classifiers/index.js';
import { diagnoseApp, type Diagnosis } from './diagnose.js';
import { mergeInputs } from './merge.js';
import { renderDiagnosisMarkdown } from './render/diagnose-markdown.js';
import { renderDiagnosisText } from './render/diagnose-text.js';
import type { ClusterManager } from './state/app.js';
import { summarizeApp, summarizeInput, type InspectReport } from './inspect.js';
import { readInput, type InputRead, type ReadOptions } from './read.js';
import { renderInspectText } from './render/inspect-text.js';
import { colorWanted, escapeControl, makeStyle } from './render/style.js';
import { resolveInputs } from './sources/resolve.js';

/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  /** stderr is a terminal: scan draws its progress bar there. */
  errIsTTY?: boolean;
  env: NodeJS.ProcessEnv;
}

// A reader that stopped reading (`| head`) is not an error: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

const processIo = (): Io => ({
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  errIsTTY: process.stderr.isTTY === true,
  env: process.env,
});

export const EXIT_OK = 0;
export const EXIT_DIAGNOSED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Reads each input in turn, telling stderr in one line about each that could not be read. */
async function* readReporting(paths: string[], io: Io, opts: ReadOptions): AsyncGenerator<InputRead> {
  for await (const input of resolveInputs(paths)) {
    const read = await readInput(input, { ...opts, helperThread: true });
    if (read.error !== undefined) io.err(`spark-triage: ${escapeControl(read.path)}: ${escapeControl(read.error)}\n`);
    yield read;
  }
}

function collectConf(pair: string, acc: Record<string, string> = {}): Record<string, string> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${pair}"`);
  return { ...acc, [pair.slice(0, eq).trim()]: pair.slice(eq + 1) };
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Parses argv and runs one command. Returns the exit code: 0 nothing critical, 1 a failure was
 * diagnosed, 2 bad usage or unreadable input. Never throws for user errors.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('spark-triage')
    .description('Tells why a Spark job died of memory, and exactly what to change.')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const color = (opts: { color?: boolean }): boolean => opts.color !== false && colorWanted({ isTTY: io.isTTY }, io.env);

  program
    .command('inspect')
    .summary('show what is in Spark event logs')
    .description(
      'Show what is in Spark event logs: application, version, cluster manager, outcome, executors, jobs, stages, ' +
        'tasks and events, the compression and layout found, and any malformed or truncated lines. ' +
        'A path may be a file (plain, zstd, lz4, snappy, lzf, gzip), a rolling eventlog_v2_* directory, a ' +
        'Databricks or Spark <= 1.2 log directory, a History Server zip, a directory of any of these, or - for stdin.',
    )
    .argument('<path...>', 'event logs, directories or zips; - reads standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (paths: string[], opts: { format: 'text' | 'json'; color?: boolean }) => {
      // Each input is reported (text) or summarised (JSON) as soon as it is read, so a directory of
      // thousands of logs never holds more than one application's state.
      const report: InspectReport = { inputs: [], applications: [] };
      const style = makeStyle(color(opts));
      let unreadable = false;
      for await (const read of readReporting(paths, io, {})) {
        unreadable ||= read.error !== undefined;
        if (opts.format === 'json') {
          report.inputs.push(summarizeInput(read));
          report.applications.push(...read.apps.filter((a) => a.stats.events > 0).map(summarizeApp));
        } else {
          io.out(renderInspectText([read], style));
        }
      }
      if (opts.format === 'json') io.out(`${JSON.stringify(report, null, 2)}\n`);
      code = unreadable ? EXIT_USAGE : EXIT_OK;
    });

  program
    .command('memory')
    .summary('draw the executor and driver memory layout Spark computes')
    .description(
      'Draw the executor and driver memory layout exactly as Spark computes it: reserved, user, unified ' +
        '(storage/execution), per-task share, overhead, off-heap, PySpark, container; driver heap, overhead, ' +
        'maxResultSize. With --from, configuration, version, cluster manager and resource profile come from an ' +
        'event log (--conf overrides it), and the BlockManager sizes and peak executor metrics it logged are ' +
        'set against each region.',
    )
    .option('--conf <key=value>', 'a Spark setting (repeatable); overrides the log', collectConf)
    .addOption(new Option('--master <manager>', 'cluster manager').choices(['yarn', 'k8s', 'kubernetes', 'standalone', 'local', 'mesos']))
    .option('--spark-version <version>', 'Spark version whose rules apply (default: the log\'s, else current)')
    .option('--from <eventlog>', 'take configuration and observations from this event log')
    .option('--python', 'a PySpark application (Kubernetes overhead factor 0.4; Python workers in the overhead)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (opts: { conf?: Record<string, string>; master?: string; sparkVersion?: string; from?: string; python?: boolean; format: 'text' | 'json'; color?: boolean }) => {
      let state = null;
      if (opts.from !== undefined) {
        const reads: InputRead[] = [];
        for await (const input of resolveInputs([opts.from])) reads.push(await readInput(input, { helperThread: true }));
        const apps = reads.flatMap((r) => r.apps.filter((a) => a.stats.events > 0));
        const failed = reads.find((r) => r.error !== undefined);
        if (apps.length === 0) {
          io.err(`spark-triage: ${escapeControl(failed?.path ?? opts.from)}: ${escapeControl(failed?.error ?? 'no Spark event log found')}\n`);
          code = EXIT_USAGE;
          return;
        }
        if (apps.length > 1) io.err(`spark-triage: ${escapeControl(opts.from)} holds ${apps.length} applications; showing the first (${apps[0]!.state.appId ?? 'no id'})\n`);
        state = apps[0]!.state;
      }
      const master = opts.master === 'k8s' ? 'kubernetes' : (opts.master as ClusterManager | undefined);
      try {
        const { layout, report } = memoryReport(state, { overrides: opts.conf ?? {}, master: master ?? null, sparkVersion: opts.sparkVersion ?? null, python: opts.python ?? null });
        io.out(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMemoryText(layout, report, makeStyle(color(opts))));
      } catch (e) {
        if (!(e instanceof MemoryConfigError)) throw e;
        io.err(`spark-triage: ${escapeControl(e.message)}\n`);
        code = EXIT_USAGE;
      }
    });

  program
    .command('diagnose')
    .summary('say why applications died of memory, and what to change')
    .description(
      'Classify memory failures in Spark event logs, name the region that overflowed, cite the evidence ' +
        '(file:line), and compute --conf values that fix it. Inputs are read as by inspect. ' +
        'Exit 0: no critical finding; 1: a failure was diagnosed; 2: bad usage or an unreadable input.',
    )
    .argument('<path...>', 'event logs, directories or zips; - reads standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--conf <key=value>', 'override a Spark setting for the memory layout (repeatable)', collectConf)
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (paths: string[], opts: { format: 'text' | 'json' | 'markdown'; conf?: Record<string, string>; color?: boolean }) => {
      const style = makeStyle(color(opts));
      // Inputs are read first, then joined per application (event log + container logs + kubectl),
      // so the states of one batch are held together; each is bounded by executors and stages.
      const reads: InputRead[] = [];
      let critical = false;
      for await (const read of readReporting(paths, io, { acceptText: true })) reads.push(read);
      const unreadable = reads.some((r) => r.error !== undefined);
      const applications = [];
      for (const m of mergeInputs(reads)) {
        const d: Diagnosis = diagnoseApp(m.primary, { overrides: opts.conf ?? {} });
        if (m.sources.length > 1) d.problems.unshift(`joined ${m.sources.length} inputs: ${m.sources.map((x) => `${x.path} (${x.kind})`).join(', ')}`);
        if (d.result.findings.some((f) => f.severity === 'critical')) critical = true;
        if (opts.format === 'json') applications.push(d.result);
        else io.out(`${opts.format === 'markdown' ? renderDiagnosisMarkdown(d) : renderDiagnosisText(d, style)}\n`);
      }
      if (opts.format === 'json') io.out(`${JSON.stringify({ inputs: reads.map(summarizeInput), applications }, null, 2)}\n`);
      code = unreadable ? EXIT_USAGE : critical ? EXIT_DIAGNOSED : EXIT_OK;
    });

  program
    .command('scan')
    .summary('batch-scan a History Server log directory: one row per application')
    .description(
      'Diagnose every application under a spark.history.fs.logDirectory (every layout inspect reads, nested ' +
        'folders): one row per application (failed first), totals per verdict and region at the end. ' +
        'Rows stream as they finish; memory stays flat however many applications there are. ' +
        'Exit 0 when the scan completed (whatever it found), 2 on bad usage, 130 when interrupted.',
    )
    .argument('<dir>', 'the log directory')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'jsonl', 'csv']).default('table'))
    .option('--failed-only', 'only applications that failed, did not finish, or have a critical finding')
    .option('--since <when>', 'only logs modified since a date (2024-01-31) or a duration ago (7d, 12h, 30m, 2w)')
    .option('--app-name <glob>', 'only applications whose name matches (*, ?, [abc])')
    .option('--limit <n>', 'only the N most recently modified logs')
    .option('-j, --jobs <n>', 'threads, the main one included (default: the number of cores, when the logs are large enough to repay them)')
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (dir: string, opts: { format: ScanFormat; failedOnly?: boolean; since?: string; appName?: string; limit?: string; jobs?: string; color?: boolean }) => {
      const usage = (msg: string): void => {
        io.err(`spark-triage: ${msg}\n`);
        code = EXIT_USAGE;
      };
      const st = await stat(dir).catch((e: unknown) => e as Error);
      if (st instanceof Error) return usage(`${escapeControl(dir)}: ${describeError(st)}`);
      if (!st.isDirectory()) return usage(`${escapeControl(dir)}: not a directory (scan takes a log directory; diagnose takes files)`);
      const since = opts.since !== undefined ? parseSince(opts.since) : null;
      if (opts.since !== undefined && since === null) return usage(`--since ${escapeControl(opts.since)}: not a date or a duration like 7d`);
      const positive = (v: string | undefined, name: string): number | null | undefined => {
        if (v === undefined) return null;
        if (!/^[1-9]\d*$/.test(v)) {
          usage(`${name} ${escapeControl(v)}: not a positive whole number`);
          return undefined;
        }
        return Number(v);
      };
      const limit = positive(opts.limit, '--limit');
      const jobs = positive(opts.jobs, '--jobs');
      if (limit === undefined || jobs === undefined) return;
      const ac = new AbortController();
      const onSigint = (): void => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await runScan(
          { root: dir, format: opts.format, jobs: jobs ?? 'auto', failedOnly: opts.failedOnly === true, since, appName: opts.appName !== undefined ? globToRegExp(opts.appName) : null, limit },
          { out: io.out, progress: io.errIsTTY ? io.err : null, style: makeStyle(color(opts)), color: color(opts) },
          ac.signal,
        );
        code = result === 'interrupted' ? EXIT_INTERRUPTED : EXIT_OK;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });

  program
    .command('explain')
    .summary('what a finding code means, how it is detected and fixed')
    .argument('[code]', 'a finding code, e.g. yarn-memory-exceeded; none lists them all')
    .action((codeArg: string | undefined) => {
      if (codeArg === undefined) {
        for (const c of CLASSIFIERS) io.out(`${c.code.padEnd(22)} ${c.meta.title}\n`);
        return;
      }
      const c = byCode(codeArg);
      if (!c) {
        io.err(`spark-triage: unknown finding code "${escapeControl(codeArg)}"; known codes: ${CLASSIFIERS.map((x) => x.code).join(', ')}\n`);
        code = EXIT_USAGE;
        return;
      }
      const kind = { failure: 'failure (critical when the application failed or did not finish, else a warning)', warning: 'warning', info: 'info' }[c.meta.kind];
      const lines = [c.code, '', c.meta.title, '', `Severity: ${kind}`, '', 'Detected by:', `  ${c.meta.detects}`, '', 'Fix:', `  ${c.meta.fix}`];
      if (c.meta.thresholds) {
        lines.push('', 'Thresholds:');
        for (const [k, t] of Object.entries(c.meta.thresholds)) lines.push(`  ${k} = ${t.value}  (${t.why})`);
      }
      io.out(`${lines.join('\n')}\n`);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
    }
    io.err(`spark-triage: ${describeError(e)}\n`);
    return EXIT_USAGE;
  }
  return code;
}

import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { collectConf, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, threadOptions, UsageError, type Io } from './commands/io.js';
import { problemOf } from './errors.js';
import { escapeControl } from './render/escape.js';
import { colorWanted, makeStyle, type Style } from './render/style.js';
import { inputErrorText } from './render/words/input-errors.js';
import type { ClusterManager } from './state/app.js';
import { collectHeaders, configureRemote } from './sources/remote/config.js';

export type { Io } from './commands/io.js';

// A reader that stopped reading (`| head`) is not an error: stop quietly, as Unix tools do. Any other
// failure to write (a full disk: ENOSPC) is one line on stderr, if stderr still takes it, and exit 2 —
// never a stack trace, and never 1, which says a memory failure was diagnosed.
let writeFailed = false;
function writeFailure(fd: 1 | 2, e: unknown): never {
  if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
  if (!writeFailed && fd === 1) {
    writeFailed = true;
    try {
      writeSync(2, `spark-triage: cannot write the output: ${escapeControl(inputErrorText(problemOf(e)))}\n`);
    } catch {
      // stderr is gone too: the exit code says it
    }
  }
  process.exit(2);
}

/** The characters of a bug's message shown (its first line): enough to name it, never a page. Our choice. */
const INTERNAL_MESSAGE_CHARS = 500;

/**
 * A bug (an exception nothing caught, a promise nothing awaited that failed) still ends as one line on
 * stderr, never a stack trace, its message escaped as log text is (it may quote one).
 */
function internalError(e: unknown): never {
  const message = String((e as Error | null)?.message ?? e)
    .split('\n')[0]!
    .slice(0, INTERNAL_MESSAGE_CHARS);
  try {
    writeSync(2, `spark-triage: internal error: ${escapeControl(message)} (a bug in spark-triage: please report it)\n`);
  } catch {
    // stderr is gone too: the exit code says it
  }
  process.exit(EXIT_INTERNAL);
}

/** Only a character device can be a terminal: a file, a pipe or a socket is known not to be without its stream. */
function mayBeTerminal(fd: 1 | 2): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * The process's own output. Writes go to file descriptors 1 and 2 directly, as process.stdout and
 * process.stderr would for a file, a pipe or a terminal on Linux (synchronously), without making
 * those: making both (Node's stream modules, a stream each) was ~3–4 ms of a tiny log's start. They
 * are made when something needs them: whether stdout is a terminal and how wide, or a write that
 * would block (a non-blocking pipe that is full: EAGAIN), which they queue; writes go through them
 * from then on, in order. A bug ends as internalError says. Installed when `main` runs without an Io:
 * a program that runs `main` with an Io of its own (esbuild.config.mjs, making the code cache) keeps
 * its streams, and its own way with an uncaught exception, as they are.
 */
function processIo(): Io {
  process.on('uncaughtException', internalError);
  let streams = false;
  const useStreams = (): void => {
    if (streams) return;
    streams = true;
    for (const [fd, stream] of [
      [1, process.stdout],
      [2, process.stderr],
    ] as const)
      stream.on('error', (e: NodeJS.ErrnoException) => writeFailure(fd, e));
  };
  const write = (fd: 1 | 2, s: string): void => {
    const stream = (): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);
    if (streams) {
      stream().write(s);
      return;
    }
    const bytes = Buffer.from(s, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') writeFailure(fd, e);
    }
    useStreams();
    stream().write(bytes.subarray(done));
  };
  return {
    out: (s) => write(1, s),
    err: (s) => write(2, s),
    get isTTY() {
      if (!mayBeTerminal(1)) return false;
      useStreams();
      return process.stdout.isTTY === true;
    },
    get errIsTTY() {
      if (!mayBeTerminal(2)) return false;
      useStreams();
      return process.stderr.isTTY === true;
    },
    get columns() {
      if (!mayBeTerminal(1)) return undefined;
      useStreams();
      return process.stdout.columns;
    },
    env: process.env,
  };
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EXIT_HELP = `
Exit codes: 0 every input read (scan: the scan completed, whatever it found); 1 diagnose found a critical
memory failure; 2 bad usage or an input that could not be read (this wins over 1: the result is incomplete);
130 scan interrupted.`;

const noColor = '--no-color';
const noColorHelp = 'never colour the output (NO_COLOR is honoured too)';
const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

/** Options for inputs named by URL; every command that reads logs takes them. */
interface RemoteOptions {
  header?: string[];
  endpoint?: string;
}
const remoteOptions = (cmd: Command): Command =>
  cmd
    .option(
      '-H, --header <header>',
      'an HTTP header for History Server and WebHDFS requests, "Name: value" (repeatable); @file reads one a line. ' +
        'Secrets belong in SPARK_TRIAGE_HEADERS or a file, not on the command line',
      collect,
    )
    .option(
      '--endpoint <url>',
      'the S3 endpoint of an S3-compatible store (else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL), or the Azure Blob service URL',
    );

/** Sets what URL inputs need from the options and the environment; bad headers are bad usage. */
function configure(opts: RemoteOptions, env: NodeJS.ProcessEnv): void {
  let headers: Array<[string, string]>;
  try {
    headers = collectHeaders(opts.header ?? [], env);
  } catch (e) {
    throw new UsageError(escapeControl((e as Error).message));
  }
  configureRemote({ headers, endpoint: opts.endpoint ?? null });
}

const formatOption = (choices: string[], dflt: string): Option =>
  new Option('-f, --format <format>', 'output format').choices(choices).default(dflt);

/** --by app-name: one summary per application name instead of a row per run (src/scan/fleet.ts). */
const byOption = (): Option =>
  new Option(
    '--by <key>',
    'group runs: app-name gives, per application name, runs, failures, peaks per memory region, one plan that holds every run, and memory growing run over run',
  ).choices(['app-name']);

/**
 * Parses argv and runs one command; only wiring here, each command is a module of its own
 * (src/commands/), imported when it runs: a start evaluates only the modules its command uses (in
 * the one-file build, esbuild.config.mjs, an import() runs the module's code then, not at start).
 * Evaluating every command's modules at each start (scan's output schemas, the remote sources) was
 * ~15 ms of a tiny log's diagnosis. Returns the exit code (see EXIT_HELP); never throws for user errors.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = EXIT_OK;
  const style = (opts: { color?: boolean }): Style => makeStyle(color(opts));
  // isTTY read only when NO_COLOR and FORCE_COLOR leave it to the terminal (it may make process.stdout).
  const color = (opts: { color?: boolean }): boolean =>
    opts.color !== false &&
    colorWanted(
      {
        get isTTY() {
          return io.isTTY;
        },
      },
      io.env,
    );
  const program = new Command('spark-triage')
    .description('Tells why a Spark job died of memory, and exactly what to change.')
    .version(VERSION)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .addHelpText('after', EXIT_HELP)
    // No command: print the help, but as bad usage (2), not success.
    .action(() => {
      program.outputHelp({ error: true });
      code = EXIT_USAGE;
    });

  program
    .command('inspect')
    .summary('show what is in Spark event logs')
    .description(
      'Show what is in Spark event logs: application, version, cluster manager, outcome, executors, jobs, stages, ' +
        'tasks and events, the compression and layout found, and any malformed or truncated lines. ' +
        'A path may be a file (plain, zstd, lz4, snappy, lzf, gzip), a rolling eventlog_v2_* directory, a ' +
        'Databricks or Spark <= 1.2 log directory, a History Server zip, a directory of any of these, or - for stdin.',
    )
    .argument('<path...>', 'event logs, directories, zips or URLs (see README: History Server, s3, hdfs, abfss); - reads standard input')
    .addOption(formatOption(['text', 'json'], 'text'))
    .option(
      '-j, --jobs <n>',
      'threads to read one large plain log on, the main one included (default 2 when the machine has two cores: a local uncompressed log of 128 MiB or more is read on two)',
    )
    .option(noColor, noColorHelp);
  remoteOptions(program.commands[program.commands.length - 1]!).action(
    async (paths: string[], opts: { format: 'text' | 'json'; color?: boolean; jobs?: string } & RemoteOptions) => {
      configure(opts, io.env);
      const threads = threadOptions(opts.jobs ?? null, io.env);
      const { inspectCommand } = await import('./commands/inspect.js');
      code = await inspectCommand(paths, { format: opts.format, style: style(opts), threads }, io);
    },
  );

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
    .option('--spark-version <version>', "Spark version whose rules apply (default: the log's, else current)")
    .option('--from <eventlog>', 'take configuration and observations from this event log')
    .addOption(
      new Option('--deploy-mode <mode>', 'where the driver runs (default: from the log or spark.submit.deployMode, else client)').choices([
        'client',
        'cluster',
      ]),
    )
    .option('--python', 'a PySpark application (Kubernetes overhead factor 0.4; Python workers in the overhead)')
    .addOption(formatOption(['text', 'json'], 'text'))
    .option(noColor, noColorHelp)
    .action(
      async (opts: {
        conf?: Record<string, string>;
        master?: string;
        sparkVersion?: string;
        from?: string;
        python?: boolean;
        deployMode?: 'client' | 'cluster';
        format: 'text' | 'json';
        color?: boolean;
      }) => {
        const master = opts.master === 'k8s' ? 'kubernetes' : ((opts.master as ClusterManager | undefined) ?? null);
        const { memoryCommand } = await import('./commands/memory.js');
        code = await memoryCommand(
          {
            conf: opts.conf ?? {},
            master,
            sparkVersion: opts.sparkVersion ?? null,
            from: opts.from ?? null,
            python: opts.python ?? null,
            deployMode: opts.deployMode ?? null,
            format: opts.format,
            style: style(opts),
          },
          io,
        );
      },
    );

  program
    .command('diagnose')
    .summary('say why applications died of memory, and what to change')
    .description(
      'Classify memory failures in Spark event logs, name the region that overflowed, cite the evidence ' +
        '(file:line), and compute --conf values that fix it. Inputs are read as by inspect. ' +
        'Exit 0: no critical finding; 1: a failure was diagnosed; 2: bad usage or an unreadable input (2 wins over 1).',
    )
    .argument('<path...>', 'event logs, directories, zips or URLs (see README: History Server, s3, hdfs, abfss); - reads standard input')
    .addOption(formatOption(['text', 'json', 'markdown', 'html'], 'text'))
    .option('--conf <key=value>', 'override a Spark setting for the memory layout (repeatable)', collectConf)
    .option(
      '-j, --jobs <n>',
      'threads to read one large plain log on, the main one included (default 2 when the machine has two cores: a local uncompressed log of 128 MiB or more is read on two)',
    )
    .option(noColor, noColorHelp);
  remoteOptions(program.commands[program.commands.length - 1]!).action(
    async (
      paths: string[],
      opts: {
        format: 'text' | 'json' | 'markdown' | 'html';
        conf?: Record<string, string>;
        color?: boolean;
        jobs?: string;
      } & RemoteOptions,
    ) => {
      configure(opts, io.env);
      const threads = threadOptions(opts.jobs ?? null, io.env);
      const { diagnoseCommand } = await import('./commands/diagnose.js');
      // Only text has colours: asking whether stdout is a terminal makes process.stdout (processIo).
      const textStyle = opts.format === 'text' ? style(opts) : makeStyle(false);
      code = await diagnoseCommand(paths, { format: opts.format, conf: opts.conf ?? {}, style: textStyle, threads }, io);
    },
  );

  program
    .command('scan')
    .summary('batch-scan a History Server log directory: one row per application')
    .description(
      'Diagnose every application under a spark.history.fs.logDirectory (every layout inspect reads, nested ' +
        'folders): one row per application (failed first), totals per verdict and region at the end. ' +
        'Rows stream as they finish; memory stays flat however many applications there are. ' +
        'Exit 0 when the scan completed (whatever it found), 2 on bad usage, 130 when interrupted.',
    )
    .argument('<dir>', 'the log directory, or a URL: a History Server, s3://bucket/prefix, hdfs://…, abfss://…')
    .addOption(formatOption(['table', 'jsonl', 'csv', 'html'], 'table'))
    .option('--failed-only', 'only applications that failed, did not finish, or have a critical finding')
    .option('--since <when>', 'only logs modified since a date (2024-01-31) or a duration ago (7d, 12h, 30m, 2w)')
    .option('--app-name <glob>', 'only applications whose name matches (*, ?, [abc])')
    .option(
      '--limit <n>',
      'only the N most recently modified logs, each with all its rows, newest first, ties by path (with --app-name: the N newest with a row whose name matches)',
    )
    .option('-j, --jobs <n>', 'threads, the main one included (default: the number of cores, when the logs are large enough to repay them)')
    .option('--state <file>', 'remember what was diagnosed in FILE; later runs read only new or changed logs')
    .option('--new-only', 'with --state: rows only for logs read in this run')
    .option('--for-html', 'with --format jsonl: each row also carries what the HTML page draws, for merge --format html')
    .option(
      '--shard <k/n>',
      "this run's share of the logs, k of n (a number n alone: k from JOB_COMPLETION_INDEX, a Kubernetes Indexed Job)",
    )
    .addOption(byOption())
    .option(noColor, noColorHelp);
  remoteOptions(program.commands[program.commands.length - 1]!).action(
    async (
      dir: string,
      opts: {
        format: 'table' | 'jsonl' | 'csv' | 'html';
        failedOnly?: boolean;
        since?: string;
        appName?: string;
        limit?: string;
        jobs?: string;
        state?: string;
        newOnly?: boolean;
        forHtml?: boolean;
        shard?: string;
        by?: 'app-name';
        color?: boolean;
      } & RemoteOptions,
    ) => {
      configure(opts, io.env);
      const { scanCommand } = await import('./commands/scan.js');
      code = await scanCommand(
        dir,
        {
          format: opts.format,
          failedOnly: opts.failedOnly === true,
          since: opts.since ?? null,
          appName: opts.appName ?? null,
          limit: opts.limit ?? null,
          jobs: opts.jobs ?? null,
          state: opts.state ?? null,
          newOnly: opts.newOnly === true,
          forHtml: opts.forHtml === true,
          shard: opts.shard ?? null,
          by: opts.by ?? null,
          style: style(opts),
          color: color(opts),
        },
        io,
      );
    },
  );

  program
    .command('merge')
    .summary('combine the JSONL of scan shards into one table, CSV, JSONL or HTML page')
    .description(
      'Reads the rows of `scan --format jsonl` runs (shards of one directory, or nights of one cluster) and writes them as one ' +
        'scan would: failed first, totals per verdict, region and warning; the HTML page needs rows scanned with --for-html. ' +
        'Exit 2 when a line is not a scan row (named, the rest go on).',
    )
    .argument('<file...>', 'JSONL files written by scan --format jsonl (- for standard input)')
    .addOption(formatOption(['table', 'jsonl', 'csv', 'html'], 'table'))
    .option('--root <dir>', 'the scanned directory: the table shows paths under it as scan does')
    .addOption(byOption())
    .option(noColor, noColorHelp)
    .action(
      async (files: string[], opts: { format: 'table' | 'jsonl' | 'csv' | 'html'; root?: string; by?: 'app-name'; color?: boolean }) => {
        const { mergeCommand } = await import('./commands/merge.js');
        code = await mergeCommand(
          files,
          { format: opts.format, root: opts.root ?? '', by: opts.by ?? null, style: style(opts), color: color(opts) },
          io,
        );
      },
    );

  program
    .command('explain')
    .summary('what a finding code means, how it is detected and fixed')
    .argument('[code]', 'a finding code, e.g. yarn-memory-exceeded; none lists them all')
    .option(noColor, noColorHelp)
    .action(async (codeArg: string | undefined) => {
      const { explainCommand } = await import('./commands/explain.js');
      code = explainCommand(codeArg, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
    }
    io.err(`spark-triage: ${e instanceof UsageError ? e.message : escapeControl(inputErrorText(problemOf(e)))}\n`);
    return EXIT_USAGE;
  }
  return code;
}

import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { describeError } from './errors.js';
import { summarizeApp, summarizeInput, type InspectReport } from './inspect.js';
import { readInput, type InputRead } from './read.js';
import { renderInspectText } from './render/inspect-text.js';
import { colorWanted, escapeControl, makeStyle } from './render/style.js';
import { resolveInputs } from './sources/resolve.js';

/** Where the CLI writes; tests pass their own. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const processIo = (): Io => ({
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
});

export const EXIT_OK = 0;
export const EXIT_DIAGNOSED = 1;
export const EXIT_USAGE = 2;

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
      'Show what is in Spark event logs: application, version, cluster manager, outcome, executors, jobs, stages,\n' +
        'tasks and events, the compression and layout found, and any malformed or truncated lines.\n' +
        'A path may be a file (plain, zstd, lz4, snappy, lzf, gzip), a rolling eventlog_v2_* directory, a\n' +
        'Databricks or Spark <= 1.2 log directory, a History Server zip, a directory of any of these, or - for stdin.',
    )
    .argument('<path...>', 'event logs, directories or zips; - reads standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output (NO_COLOR is honoured too)')
    .action(async (paths: string[], opts: { format: 'text' | 'json'; color?: boolean }) => {
      const reads: InputRead[] = [];
      for await (const input of resolveInputs(paths)) {
        const read = await readInput(input);
        reads.push(read);
        if (read.error !== undefined) io.err(`spark-triage: ${escapeControl(read.path)}: ${escapeControl(read.error)}\n`);
      }
      if (opts.format === 'json') {
        const report: InspectReport = {
          inputs: reads.map(summarizeInput),
          applications: reads.flatMap((r) => r.apps.filter((a) => a.stats.events > 0).map(summarizeApp)),
        };
        io.out(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        io.out(renderInspectText(reads, makeStyle(color(opts))));
      }
      code = reads.some((r) => r.error !== undefined) ? EXIT_USAGE : EXIT_OK;
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

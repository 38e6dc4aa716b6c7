import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnoseApp, type Diagnosis } from '../src/diagnose/index.js';
import type { Evidence, Finding } from '../src/findings.js';
import { mergeInputs } from '../src/diagnose/merge.js';
import { readAll, type InputRead, type ReadOptions } from '../src/input/read.js';
import { failuresText } from '../src/render/json.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const fixture = (...p: string[]): string => path.join(FIXTURES, ...p);

/** ../shared beside the project (CI has it there too); tests that need it skip when it is absent. */
const SHARED = path.resolve(ROOT, '..', 'shared');
export const EVENTLOGS = path.join(SHARED, 'eventlogs');
export const SNIPPETS = path.join(SHARED, 'snippets');
export const hasShared = existsSync(path.join(EVENTLOGS, 'MANIFEST.tsv'));

export async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, Math.min(buf.length, i + size));
}

export async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

// --- the built CLI -------------------------------------------------------------------------------

export const BIN = path.join(ROOT, 'bin', 'spark-triage.cjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The peak RSS every bomb and cap case is held to (issue 12). */
export const RSS_LIMIT_MIB = 200;

/** Runs the built CLI as it is (no NO_COLOR, no TZ): exit code, output, and its peak RSS in MiB. */
export function runCliMeasured(args: string[]): { code: number | null; stdout: string; stderr: string; rssMiB: number } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'test', 'measure-cli.mjs'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /\nMAXRSS (\d+)\n$/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\nMAXRSS \d+\n$/, ''), rssMiB: m ? Number(m[1]) / 1024 : NaN };
}

/**
 * Runs the built `spark-triage` (npm test builds first) with colour off and UTC, as a user would.
 * `env` adds to (or, with undefined values, removes from) the environment.
 */
export function runCli(args: string[], opts: { input?: Buffer | string; env?: Record<string, string | undefined> } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { input: opts.input, encoding: 'utf8', maxBuffer: 256 << 20, env });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** JSON lines (scan --format jsonl) as unknown values, for a zod schema to take apart. */
export const jsonLines = (s: string): unknown[] =>
  s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l): unknown => JSON.parse(l));

/** The non-empty lines of `s`, sorted (rows compared whatever order threads or shards wrote them in). */
export const sortedLines = (s: string): string[] =>
  s
    .split('\n')
    .filter((l) => l !== '')
    .sort();

// --- the reading loop, as the commands run it -----------------------------------------------------

/** Every input of `paths`, read through the one loop the CLI uses (src/input/read.ts readAll). */
export async function readPaths(paths: string[], opts: ReadOptions = {}): Promise<InputRead[]> {
  const out: InputRead[] = [];
  for await (const r of readAll(paths, opts)) out.push(r);
  return out;
}

/**
 * What `diagnose` computes for `paths`: inputs read as diagnose reads them (text logs too), joined
 * per application, each diagnosed. Throws, naming the input, when one could not be read.
 */
export async function diagnosePaths(
  paths: string[],
  overrides: Record<string, string> = {},
): Promise<{ reads: InputRead[]; diagnoses: Diagnosis[] }> {
  const reads = await readPaths(paths, { acceptText: true });
  const bad = reads.filter((r) => r.failures.length > 0);
  if (bad.length > 0) throw new Error(bad.map((r) => `${r.path}: ${failuresText(r.failures)}`).join('\n'));
  const diagnoses = mergeInputs(reads).map((m) => {
    const d = diagnoseApp(m.primary, { overrides });
    if (m.sources.length > 1) d.problems.unshift({ code: 'joined', sources: m.sources });
    return d;
  });
  return { reads, diagnoses };
}

/** The diagnosis of the one application in `file`; throws when the file holds none or several. */
export async function diagnosePath(file: string, overrides: Record<string, string> = {}): Promise<Diagnosis> {
  const { diagnoses } = await diagnosePaths([file], overrides);
  if (diagnoses.length !== 1) throw new Error(`${file}: ${diagnoses.length} applications, expected one`);
  return diagnoses[0]!;
}

/** The one item of `items` that `pred` picks: fails loudly when none or several match (no `[0]`). */
export function only<T>(items: readonly T[], pred: (x: T) => boolean, what: string): T {
  const found = items.filter(pred);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, found ${found.length}`);
  return found[0]!;
}

/** The finding of `code` in a diagnosis (exactly one). */
export const findingOf = (d: Diagnosis, code: string): Finding => only(d.findings, (f) => f.code === code, `${code} finding`);

/** The one evidence item of message `id`, typed by it. */
export function evidenceOf<K extends Evidence['messageId']>(evidence: readonly Evidence[], id: K): Extract<Evidence, { messageId: K }> {
  return only(
    evidence.filter((e): e is Extract<Evidence, { messageId: K }> => e.messageId === id),
    () => true,
    `${id} evidence`,
  );
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import type { Role, start } from './bundle.js' with { 'resolution-mode': 'import' };
import type { start as startSplit } from './input/split-bundle.js' with { 'resolution-mode': 'import' };

// CommonJS on purpose (tsc writes dist/load.cjs): the bin (bin/spark-triage.cjs) requires it, so a
// start never brings up Node's ES module loader (its own modules and one facade per built-in used:
// ~13 million instructions of a 5 KB log's ~750 million, callgrind). The threads' files
// (dist/worker.js, dist/zstd-thread.js, written by esbuild.config.mjs) import it as ES modules.

/**
 * Starts a part of the program from the one-file build when there is one (dist/spark-triage.cjs,
 * made by `npm run build`), else from the modules tsc wrote. Start-up is most of the time on a
 * small log: loading ~200 modules cost ~135 ms (zod alone 66 ms) before a byte was read. One script
 * costs one read and one compile, and the compile is skipped with the V8 code cache written beside
 * it at build time: V8 checks that cache against its version, its flags and the script's source,
 * and compiles afresh when it does not match (`cachedDataRejected`), so a stale cache is slow, never wrong.
 * The split helper starts from a build of its own (src/input/split-bundle.ts), a fifth of the size.
 */
export async function load(role: Role): Promise<Awaited<ReturnType<typeof start>>>;
export async function load(role: 'split-worker'): Promise<object>;
export async function load(role: Role | 'split-worker'): Promise<object> {
  const file = bundleFile(role);
  if (role === 'split-worker') {
    if (!existsSync(file)) return (await import('./input/split-bundle.js')).start(role);
    return bundled<typeof startSplit>(file).start(role);
  }
  if (!existsSync(file)) return (await import('./bundle.js')).start(role);
  return bundled(file).start(role);
}

/** The one-file build a part starts from (esbuild.config.mjs): the split helper's own, or the whole program's. */
export const bundleFile = (role: Role | 'split-worker'): string =>
  path.join(__dirname, role === 'split-worker' ? 'split-worker.cjs' : 'spark-triage.cjs');

/** The cache file beside a bundle. */
export const cacheFile = (bundle: string): string => bundle.replace(/\.cjs$/, '.v8cache');

/** Compiles and runs the CommonJS bundle `file` (with its code cache, if any); returns its exports and script. */
export function bundled<S = typeof start>(file: string): { start: S; script: Script } {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile(file));
  } catch {
    cachedData = undefined; // no cache: compiled as any script
  }
  // The file holds the wrapper Node puts around a CommonJS module (esbuild.config.mjs), and only ASCII:
  // latin1 is a plain copy of its bytes, and the string is compiled as read, never copied again.
  const script = new Script(readFileSync(file, 'latin1'), { filename: file, cachedData });
  const module = { exports: {} as { start: S } };
  const run = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  return { start: module.exports.start, script };
}

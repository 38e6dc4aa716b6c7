/**
 * The entry of the one-file build (esbuild.config.mjs → dist/spark-triage.cjs): the CLI, the scan
 * worker, the zstd helper thread and the helper that reads blocks of a large log from its end
 * (src/input/split.ts) share one script, so one V8 code cache made at build time serves every
 * thread (src/load.cts). Each part is evaluated only by the thread that runs it: the scan worker and
 * the zstd helper start listening, the split helper starts reading, when their module is evaluated.
 */
export type Role = 'cli' | 'scan-worker' | 'zstd-thread' | 'split-worker';

export async function start(role: Role): Promise<{ main?: (argv: string[]) => Promise<number> }> {
  switch (role) {
    case 'cli':
      return import('./cli.js');
    case 'scan-worker':
      return import('./scan/worker.js');
    case 'zstd-thread':
      return import('./codecs/zstd-thread.js');
    case 'split-worker':
      return import('./input/split-worker.js');
  }
}

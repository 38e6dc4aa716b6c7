/**
 * The entry of the one-file build (esbuild.config.mjs → dist/spark-triage.cjs): the CLI, the scan
 * worker and the zstd helper thread share one script, so one V8 code cache made at build time serves
 * every thread (src/load.cts). Each part is evaluated only by the thread that runs it: the scan worker
 * and the zstd helper start listening when their module is evaluated. The helper that reads blocks
 * of a large log from its end (src/input/split.ts) has a build of its own (src/input/split-bundle.ts).
 */
export type Role = 'cli' | 'scan-worker' | 'zstd-thread';

export async function start(role: Role): Promise<{ main?: (argv: string[]) => Promise<number> }> {
  switch (role) {
    case 'cli':
      return import('./cli.js');
    case 'scan-worker':
      return import('./scan/worker.js');
    case 'zstd-thread':
      return import('./codecs/zstd-thread.js');
  }
}

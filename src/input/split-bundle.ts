/**
 * The entry of the split helper's own one-file build (esbuild.config.mjs → dist/split-worker.cjs):
 * only what a helper thread of src/input/split.ts runs (the reader, its fast path, the digest; zod
 * for the events it keeps whole), a fifth of the whole program's bundle, with a V8 code cache of its
 * own made at build time by a helper reading a fixture, so the functions it runs are in it. The
 * helper's module starts reading when it is evaluated.
 */
export async function start(role: 'split-worker'): Promise<object> {
  if (role !== 'split-worker') throw new Error(`the split helper's build starts only the split helper, not ${String(role)}`);
  return import('./split-worker.js');
}

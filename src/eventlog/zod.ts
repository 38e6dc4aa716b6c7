import { createRequire } from 'node:module';
import type * as ZodParts from './zod-parts.js';

type Zod = typeof ZodParts;

/**
 * True in the one-file build, whose modules' import.meta.url is the bundle's own (esbuild.config.mjs
 * defines it so): there a `require` of a module of ours is the module, bundled, evaluated at that call.
 */
const BUNDLED = import.meta.url.endsWith('.cjs');

let zod: Zod | undefined;

/**
 * zod, evaluated at its first use rather than at every start: only a line check.ts is not sure of
 * (a schema mismatch, to name its issue) and `merge`'s reading of stored rows need it, and no real
 * log of ../shared/eventlogs has such a line. Evaluating it at start cost ~8 million instructions
 * of a 5 KB log's diagnosis (callgrind, median of 3: 630 → 623 million). It stays in the one-file
 * build, where a log that needs it loads it from the bundle and its code cache: taken from
 * node_modules instead (a createRequire), the start was ~7 million instructions cheaper still (a
 * smaller bundle) but such a log took 236 million more, and `merge` too. The modules tsc wrote, and
 * the tests, take it from node_modules. test/eventlog/lazy-zod.test.ts checks a plain log's
 * diagnosis leaves it unevaluated.
 */
export function loadZod(): Zod {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- bundled by esbuild: a synchronous, lazy evaluation
  return (zod ??= BUNDLED ? (require('./zod-parts.js') as Zod) : (createRequire(import.meta.url)('zod') as Zod));
}

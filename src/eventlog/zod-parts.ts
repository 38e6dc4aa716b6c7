/**
 * The parts of zod this program builds its schemas from (src/eventlog/zod.ts loads them at their
 * first use). Named one by one: a namespace import would keep all of zod in the one-file build,
 * its 62 locales too (esbuild.config.mjs).
 */
export { array, boolean, number, object, record, string, union, unknown } from 'zod';

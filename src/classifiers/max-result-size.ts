import { fmtBytes } from '../render/units.js';
import { GiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { find, parseHumanSize, reportFrom } from './match.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// TaskSetManager.canFetchMoreResults: MB/GB up to 2.4, MiB/GiB from 3.0; Databricks drops the
// parentheses. Executor side: "Result is larger than maxResultSize", TaskResultGetter's wrapper.
const PATTERN = /Total size of serialized results of (\d+) tasks \(([0-9.]+ ?[KMGTP]?i?B)\) is bigger than (?:spark\.driver\.)?maxResultSize \(?([0-9.]+ ?[KMGTP]?i?B)\)?|Result is larger than maxResultSize|Tasks result size has exceeded maxResultSize/;

export default defineClassifier({
  code: 'max-result-size',
  meta: {
    title: 'Results sent to the driver passed spark.driver.maxResultSize',
    kind: 'failure',
    rank: 5,
    detects: '"Total size of serialized results of N tasks (X) is bigger than spark.driver.maxResultSize (Y)" in a stage or job failure (every version and unit style), or the executor-side "Result is larger than maxResultSize". The property itself in the configuration is not a failure.',
    fix: 'Do not bring that much to the driver (write it out, aggregate first, toLocalIterator); or raise spark.driver.maxResultSize together with spark.driver.memory, which must hold the results.',
  },
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const sizes = matches.map((x) => (x.m[2] ? parseHumanSize(x.m[2]) : null)).filter((n): n is number => n !== null);
    const seen = sizes.length > 0 ? Math.max(...sizes) : null;
    const l = ctx.layout;
    const cur = l?.driver.maxResultSize ?? null;
    const remediation = [fix(null, null, null, 'the action collects too much: write the result to storage, aggregate before collect(), or iterate with toLocalIterator()')];
    if (seen !== null) {
      const next = roundUp(seen * 1.5, GiB);
      remediation.push(fix('spark.driver.maxResultSize', cur !== null ? sizeConf(cur) : null, sizeConf(next), `the results reached ${fmtBytes(seen)} (the limit stops at the first task past it, so the total is larger); 50% headroom`));
      // The driver deserializes what it fetched: keep the heap well above the results it may hold.
      const heap = l?.driver.heap ?? null;
      const need = roundUp(next * 2 + GiB, GiB);
      if (heap === null || heap < need) remediation.push(fix('spark.driver.memory', heap !== null ? sizeConf(heap) : null, sizeConf(need), `the driver holds the serialized results and their deserialized form: at least twice maxResultSize plus 1 GiB`));
    }
    report(reportFrom(matches, 'driver', 'maxResultSize', 'high', remediation));
  },
});

import { POLICY } from './policy.js';
import { defineClassifier } from './define.js';
import { find, parseHumanSize, reportFrom } from './match.js';
import { fix, roundUp, sizeConf } from './remedy.js';

// TaskSetManager.canFetchMoreResults: MB/GB up to 2.4, MiB/GiB from 3.0; Databricks drops the
// parentheses. Executor side: "Result is larger than maxResultSize", TaskResultGetter's wrapper.
const PATTERN =
  /Total size of serialized results of (\d+) tasks \(([0-9.]+ ?[KMGTP]?i?B)\) is bigger than (?:spark\.driver\.)?maxResultSize \(?([0-9.]+ ?[KMGTP]?i?B)\)?|Result is larger than maxResultSize|Tasks result size has exceeded maxResultSize/;

export default defineClassifier({
  code: 'max-result-size',
  meta: {
    kind: 'failure',
    rank: 5,
  },
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const sizes = matches.map((x) => (x.m[2] ? parseHumanSize(x.m[2]) : null)).filter((n): n is number => n !== null);
    const seen = sizes.length > 0 ? Math.max(...sizes) : null;
    const l = ctx.layout;
    const cur = l?.driver.maxResultSize ?? null;
    const remediation = [fix(null, null, null, 'collect-less')];
    if (seen !== null) {
      const next = roundUp(seen * POLICY.maxResultHeadroom.value, POLICY.heapStep.value);
      remediation.push(fix('spark.driver.maxResultSize', cur !== null ? sizeConf(cur) : null, sizeConf(next), 'max-result-size', { seen }));
      // The driver deserializes what it fetched: keep the heap well above the results it may hold.
      const heap = l?.driver.heap ?? null;
      const need = roundUp(next * POLICY.driverResultFactor.value + POLICY.driverResultBase.value, POLICY.heapStep.value);
      if (heap === null || heap < need)
        remediation.push(fix('spark.driver.memory', heap !== null ? sizeConf(heap) : null, sizeConf(need), 'driver-holds-results'));
    }
    report(reportFrom(matches, 'driver', 'maxResultSize', 'high', remediation));
  },
});

import { defineClassifier } from './define.js';
import { find, parseHumanSize, reportFrom } from './match.js';
import { POLICY } from './policy.js';
import { driverHeapNeed, fix, roundUp, settingNeed, sizeConf } from './remedy.js';

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
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const sizes = matches.map((x) => (x.m[2] ? parseHumanSize(x.m[2]) : null)).filter((n): n is number => n !== null);
    const seen = sizes.length > 0 ? Math.max(...sizes) : null;
    const needs = [];
    if (seen !== null) {
      const next = roundUp(seen * POLICY.maxResultHeadroom.value, POLICY.heapStep.value);
      needs.push(
        settingNeed('spark.driver.maxResultSize', sizeConf(next), { compare: 'at-least', unit: 'bytes' }, 'max-result-size', { seen }),
      );
      // The driver deserializes what it fetched: keep the heap well above the results it may hold.
      needs.push(
        driverHeapNeed(
          ctx,
          'results',
          roundUp(next * POLICY.driverResultFactor.value + POLICY.driverResultBase.value, POLICY.heapStep.value),
        ),
      );
    }
    report(reportFrom(matches, 'driver', 'maxResultSize', 'high', { needs, advice: [fix(null, null, null, 'collect-less')] }));
  },
});

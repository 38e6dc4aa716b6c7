import type { Need } from '../plan/needs.js';
import { defineClassifier } from './define.js';
import { find, parseHumanSize, reportFrom } from './match.js';
import { POLICY } from './policy.js';
import { fix, roundUp, settingNeed, sizeConf } from './remedy.js';

// TaskSetManager.canFetchMoreResults: MB/GB up to 2.4, MiB/GiB from 3.0; Databricks drops the
// parentheses. Executor side: "Result is larger than maxResultSize", TaskResultGetter's wrapper.
const PATTERN =
  /Total size of serialized results of (\d+) tasks \(([0-9.]+ ?[KMGTP]?i?B)\) is bigger than (?:spark\.driver\.)?maxResultSize \(?([0-9.]+ ?[KMGTP]?i?B)\)?|Result is larger than maxResultSize|Tasks result size has exceeded maxResultSize/;

export default defineClassifier({
  code: 'max-result-size',
  meta: {
    kind: 'failure',
    rank: 5,
    uses: ['maxResultHeadroom', 'heapStep', 'driverResultFactor', 'driverResultBase'],
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    const sizes = matches.map((x) => (x.m[2] ? parseHumanSize(x.m[2]) : null)).filter((n): n is number => n !== null);
    const seen = sizes.length > 0 ? Math.max(...sizes) : null;
    const needs: Need[] = [];
    if (seen !== null) {
      // Anchored to the total the message reported, not to any limit being tried: the fixed point.
      const next = roundUp(seen * POLICY.maxResultHeadroom.value, POLICY.heapStep.value);
      needs.push(
        settingNeed('spark.driver.maxResultSize', sizeConf(next), { compare: 'at-least', unit: 'bytes' }, 'max-result-size', { seen }),
      );
      // The driver must hold the results the raised limit lets in (Spark's docs on spark.driver.maxResultSize:
      // "Having a high limit may cause out-of-memory errors in driver"): a heap sized from that limit, whatever
      // heap it ran with — and stated with or without a layout, the driver's heap being a setting of its own.
      needs.push({
        kind: 'driver-heap',
        heap: roundUp(next * POLICY.driverResultFactor.value + POLICY.driverResultBase.value, POLICY.heapStep.value),
        reason: 'results',
      });
    }
    report(reportFrom(matches, 'driver', 'maxResultSize', 'high', { needs, advice: [fix(null, null, null, 'collect-less')] }));
  },
});

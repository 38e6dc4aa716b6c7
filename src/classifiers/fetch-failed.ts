import { defineClassifier } from './define.js';
import { find, reportFrom } from './match.js';
import { fix } from './remedy.js';

// A reduce task could not fetch shuffle output: the executor that held it was lost
// (FetchFailedException, MetadataFetchFailedException "Missing an output location for shuffle").
const PATTERN = /FetchFailed(?:Exception)?|MetadataFetchFailedException|Missing an output location for shuffle/;

export default defineClassifier({
  code: 'fetch-failed',
  meta: { kind: 'failure', memory: false, rank: 45 },
  triggers: [PATTERN],
  classify(ctx, report) {
    if (ctx.outcome === 'succeeded') return;
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    report(reportFrom(matches, 'executor', 'none', 'medium', { needs: [], advice: [fix(null, null, null, 'fetch-failed-cause')] }));
  },
});

import { defineClassifier } from './define.js';
import { reportFrom } from './match.js';
import { fix } from './remedy.js';
import { isAmKill, STATED_PHYSICAL, yarnKills } from './yarn-kill.js';

/**
 * YARN's message states the limit it enforced ("9.1 GB of 8.8 GB physical memory used"); a limit that
 * is not the container the log's configuration computes is a fact about that run the configuration
 * hides. YARN rounds each request up to a multiple of yarn.scheduler.minimum-allocation-mb (1 GiB by
 * default; the Fair Scheduler to increment-allocation-mb), so a stated limit a little above is
 * expected; one below means the job ran with other settings.
 */
const TOLERANCE = 0.06 * 2 ** 30; // the message prints GB with one decimal: ±0.05 GiB, and a little more

export default defineClassifier({
  code: 'limit-mismatch',
  meta: {
    kind: 'info',
    rank: 72,
    thresholds: { tolerance: { value: TOLERANCE, why: 'YARN prints the limit in GB with one decimal (±0.05 GiB)' } },
  },
  triggers: [STATED_PHYSICAL],
  classify(ctx, report) {
    const l = ctx.layout;
    if (!l) return;
    const kills = yarnKills(ctx).filter((k) => k.kind === 'physical' && k.limit !== null && !isAmKill(k));
    const off = kills.filter((k) => Math.abs(k.limit! - l.executor.container) > TOLERANCE);
    if (off.length === 0) return;
    const stated = Math.max(...off.map((k) => k.limit!));
    report(
      reportFrom(
        off,
        'executor',
        'container',
        'medium',
        { needs: [], advice: stated < l.executor.container ? [fix(null, null, null, 'check-submitted-settings')] : [] },
        [
          {
            at: off[0]!.signal.locations[0]!,
            messageId: 'limit-stated',
            data: { stated, computed: l.executor.container, role: 'executor' },
          },
        ],
      ),
    );
  },
});

import { defineClassifier } from './define.js';
import { direct, find, reportFrom, roleOf } from './match.js';
import { fix, settingNeed } from './remedy.js';

const PATTERN = /OutOfMemoryError: (?:Metaspace|Compressed class space)/;

export default defineClassifier({
  code: 'metaspace-oom',
  meta: {
    kind: 'failure',
    rank: 24,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const role = roleOf(matches);
    const key = role === 'driver' ? 'spark.driver.extraJavaOptions' : 'spark.executor.extraJavaOptions';
    const cur = ctx.app.sparkProperties[key] ?? null;
    const m = cur ? /-XX:MaxMetaspaceSize=(\d+)([kmg]?)/i.exec(cur) : null;
    const next = m ? `-XX:MaxMetaspaceSize=${Number(m[1]) * 2}${m[2] ?? ''}` : '-XX:MaxMetaspaceSize=1g';
    report(
      reportFrom(matches, role, 'overhead', 'high', {
        needs: [
          settingNeed(
            key,
            cur ? (m ? cur.replace(m[0], next) : `${cur} ${next}`) : next,
            { compare: 'at-least', unit: 'text' },
            'metaspace-cap',
            { doubled: m !== null },
          ),
        ],
        advice: [fix(null, null, null, 'metaspace-causes')],
      }),
    );
  },
});

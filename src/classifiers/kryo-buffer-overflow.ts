import { MiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { parseSizeOr, roundUp, settingNeed, sizeConf } from './remedy.js';

// KryoSerializer: "Kryo serialization failed: Buffer overflow. Available: a, required: r" (≤3.5);
// 4.0+ error class KRYO_BUFFER_OVERFLOW quotes the key and ends " SQLSTATE: 54006" (error-conditions.json).
const PATTERN =
  /Kryo serialization failed: Buffer overflow|KRYO_BUFFER_OVERFLOW|Kryo serialization failed:[^\n]*spark\.kryoserializer\.buffer\.max|SQLSTATE: 54006\b/;

export default defineClassifier({
  code: 'kryo-buffer-overflow',
  meta: {
    kind: 'failure',
    rank: 31,
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    // The 4.0 error class prefixes the same "required: N" text, which the alternation above may skip.
    const required = Math.max(0, ...matches.map((x) => Number(/required: (\d+)/.exec(x.signal.text)?.[1] ?? 0)));
    const cur = parseSizeOr(ctx.app.sparkProperties['spark.kryoserializer.buffer.max'], MiB, POLICY.kryoBufferMaxDefault.value);
    const next = Math.min(POLICY.kryoBufferMaxCap.value, roundUp(Math.max(cur * 2, required * 2), POLICY.kryoStep.value));
    const role = roleOf(matches);
    report(
      reportFrom(
        matches,
        role,
        'user',
        'high',
        {
          needs: [
            settingNeed('spark.kryoserializer.buffer.max', sizeConf(next), { compare: 'at-least', unit: 'mib' }, 'kryo-buffer', {
              required: required > 0 ? required : null,
            }),
          ],
          advice: [],
        },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});

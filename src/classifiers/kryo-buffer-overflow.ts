import { MiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { direct, find, processEvidence, reportFrom, roleOf } from './match.js';
import { POLICY } from './policy.js';
import { fix, parseSizeOr, roundUp, settingNeed, sizeConf } from './remedy.js';

// KryoSerializer: "Kryo serialization failed: Buffer overflow. Available: a, required: r" (≤3.5);
// 4.0+ error class KRYO_BUFFER_OVERFLOW quotes the key and ends " SQLSTATE: 54006" (error-conditions.json).
const PATTERN =
  /Kryo serialization failed: Buffer overflow|KRYO_BUFFER_OVERFLOW|Kryo serialization failed:[^\n]*spark\.kryoserializer\.buffer\.max|SQLSTATE: 54006\b/;
/**
 * Kryo's Output.require (com.esotericsoftware.kryo.io.Output): "Buffer overflow. Available: a, required: r"
 * when the buffer has grown to its maximum (spark.kryoserializer.buffer.max) and a write of r bytes does not
 * fit in the a bytes left; "Buffer overflow. Max capacity: m, required: r" when one write is larger than the
 * maximum m itself.
 */
const FIGURES = /Buffer overflow\. (?:Available: (\d+)|Max capacity: (\d+)), required: (\d+)/;

export default defineClassifier({
  code: 'kryo-buffer-overflow',
  meta: {
    kind: 'failure',
    rank: 31,
    uses: ['kryoBufferMaxDefault', 'kryoBufferMaxCap', 'kryoGrowth', 'kryoStep', 'headroom'],
  },
  triggers: [PATTERN],
  classify(ctx, report) {
    const matches = direct(find(ctx, PATTERN));
    if (matches.length === 0) return;
    const figures = matches.flatMap((x) => {
      const m = FIGURES.exec(x.signal.text);
      return m
        ? [{ available: m[1] !== undefined ? Number(m[1]) : null, max: m[2] !== undefined ? Number(m[2]) : null, required: Number(m[3]) }]
        : [];
    });
    // The maximum the buffer ran with: as Kryo states it, else as the log's configuration sets it (the
    // old name is a bare number of MiB), else the version's default. Never --conf: that is the value being
    // tried, and a need anchored to it would grow each time it is applied.
    const statedMax = Math.max(0, ...figures.map((f) => f.max ?? 0));
    const conf = ctx.app.effectiveConf;
    const setting = conf['spark.kryoserializer.buffer.max'] ?? conf['spark.kryoserializer.buffer.max.mb'];
    const current = statedMax > 0 ? statedMax : parseSizeOr(setting, MiB, POLICY.kryoBufferMaxDefault.value);
    const from = statedMax > 0 ? 'message' : setting !== undefined ? 'configuration' : 'default';
    // What the object needed at least: the full buffer plus the write that did not fit (Available), or
    // that one write (Max capacity).
    const atLeast = Math.max(0, ...figures.map((f) => (f.available !== null ? current - f.available + f.required : f.required)));
    const required = figures.length > 0 ? Math.max(...figures.map((f) => f.required)) : null;
    const cap = POLICY.kryoBufferMaxCap.value;
    const want = roundUp(Math.max(current * POLICY.kryoGrowth.value, atLeast * POLICY.headroom.value), POLICY.kryoStep.value);
    const role = roleOf(matches);
    // KryoSerializer refuses a maximum of 2048m or more: past that no setting holds the object.
    const atCap = current >= cap || atLeast > cap;
    report(
      reportFrom(
        matches,
        role,
        'user',
        'high',
        atCap
          ? {
              needs: [],
              advice: [fix('spark.kryoserializer.buffer.max', sizeConf(current), null, 'kryo-at-cap', { buffer: current, required, cap })],
            }
          : {
              needs: [
                settingNeed(
                  'spark.kryoserializer.buffer.max',
                  sizeConf(Math.min(cap, want)),
                  { compare: 'at-least', unit: 'mib' },
                  'kryo-buffer',
                  {
                    required,
                    buffer: current,
                    bufferFrom: from,
                    needed: atLeast > 0 ? atLeast : null,
                    basis: atLeast * POLICY.headroom.value > current * POLICY.kryoGrowth.value ? 'needed' : 'doubled',
                    capped: want > cap,
                  },
                ),
              ],
              advice: [],
            },
        processEvidence(ctx, matches, role),
      ),
    );
  },
});

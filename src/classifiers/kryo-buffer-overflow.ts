import { MiB } from '../memory/index.js';
import { defineClassifier } from './define.js';
import { find, reportFrom, roleOf } from './match.js';
import { fix, parseSizeOr, roundUp, sizeConf } from './remedy.js';

// KryoSerializer: "Kryo serialization failed: Buffer overflow. Available: a, required: r" (≤3.5);
// 4.0+ error class KRYO_BUFFER_OVERFLOW quotes the key.
const PATTERN = /Kryo serialization failed: Buffer overflow|KRYO_BUFFER_OVERFLOW|Kryo serialization failed:[^\n]*spark\.kryoserializer\.buffer\.max/;
const KRYO_MAX = 2047 * MiB; // KryoSerializer requires buffer.max < 2048m

export default defineClassifier({
  code: 'kryo-buffer-overflow',
  meta: {
    title: 'A Kryo-serialized object outgrew spark.kryoserializer.buffer.max',
    kind: 'failure',
    rank: 31,
    detects: '"Kryo serialization failed: Buffer overflow. Available: a, required: r … increase spark.kryoserializer.buffer.max" (and the 4.0 KRYO_BUFFER_OVERFLOW error class).',
    fix: 'Raise spark.kryoserializer.buffer.max above the required size (at most 2047m); a single object that large usually means a huge record or task result.',
  },
  classify(ctx, report) {
    const matches = find(ctx, PATTERN);
    if (matches.length === 0) return;
    // The 4.0 error class prefixes the same "required: N" text, which the alternation above may skip.
    const required = Math.max(0, ...matches.map((x) => Number(/required: (\d+)/.exec(x.signal.text)?.[1] ?? 0)));
    const cur = parseSizeOr(ctx.app.sparkProperties['spark.kryoserializer.buffer.max'], MiB, 64 * MiB);
    const next = Math.min(KRYO_MAX, roundUp(Math.max(cur * 2, required * 2), 64 * MiB));
    report(reportFrom(matches, roleOf(matches), 'user', 'high', [
      fix('spark.kryoserializer.buffer.max', sizeConf(cur), sizeConf(next), required > 0 ? `one object needed ${Math.ceil(required / MiB)} MiB of buffer; twice that, within Kryo's 2047m cap` : "double it, within Kryo's 2047m cap"),
    ]));
  },
});

import { describe, expect, it } from 'vitest';
import { remedyText } from '../../src/render/words/remedies.js';

describe('remedy words', () => {
  it("reads Kryo's 'required: N' as the bytes of the write that did not fit, not a size in MiB", () => {
    // Kryo's Output.require: "Buffer overflow. Available: a, required: r", r the bytes the next write needs.
    const text = (required: number): string =>
      remedyText({
        conf: 'spark.kryoserializer.buffer.max',
        current: '64m',
        suggested: '128m',
        messageId: 'kryo-buffer',
        data: { required, buffer: 64 * 2 ** 20, bufferFrom: 'default', needed: null, basis: 'doubled', capped: false },
      });
    expect(text(1)).toContain('a write of 1 B');
    expect(text(1)).not.toContain('a write of 1 MiB');
    expect(text(134217728)).toContain('a write of 128 MiB');
  });
});

import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/eventlog/lines.js';

describe('LineSplitter', () => {
  it('numbers lines across chunk boundaries, strips CR and a BOM, keeps the unterminated tail apart', () => {
    const seen: string[] = [];
    const s = new LineSplitter((l, n) => seen.push(`${n}:${l.toString()}`));
    const text = Buffer.from('\ufeffa\r\nbb\n\nccc\r\ndd');
    for (let i = 0; i < text.length; i += 2) s.push(text.subarray(i, i + 2));
    expect(seen).toEqual(['1:a', '2:bb', '3:', '4:ccc']);
    expect(s.end()).toEqual({ line: Buffer.from('dd'), lineNo: 5 });
  });
});

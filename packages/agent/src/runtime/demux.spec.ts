import { describe, expect, it } from 'vitest';
import { demuxLines } from './demux.js';

describe('docker log demux', () => {
  const frame = (stream: 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = stream;
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  it('splits frames into stamped lines, across chunk boundaries', async () => {
    const all = Buffer.concat([frame(1, '2025-01-01T00:00:00.1Z hello\n'), frame(2, '2025-01-01T00:00:00.2Z oops\n')]);
    async function* chunks() {
      yield all.subarray(0, 5);
      yield all.subarray(5, 30);
      yield all.subarray(30);
    }
    const out = [];
    for await (const l of demuxLines(chunks())) out.push(l);
    expect(out).toEqual([
      { stream: 'stdout', time: '2025-01-01T00:00:00.1Z', text: 'hello' },
      { stream: 'stderr', time: '2025-01-01T00:00:00.2Z', text: 'oops' },
    ]);
  });
});

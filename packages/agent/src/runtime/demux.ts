/**
 * Docker's multiplexed log stream (non-TTY containers): frames of an 8-byte header (stream type,
 * three zero bytes, big-endian payload length) and a payload. With timestamps on, every line
 * starts with an RFC 3339 nanosecond timestamp and a space.
 */
import type { RuntimeLogLine } from './runtime.js';

/** Splits one payload line "TIMESTAMP text" into its parts. */
export function parseStampedLine(line: string, stream: RuntimeLogLine['stream']): RuntimeLogLine {
  const sp = line.indexOf(' ');
  if (sp > 0 && /^\d{4}-\d\d-\d\dT/.test(line)) return { stream, time: line.slice(0, sp), text: line.slice(sp + 1) };
  return { stream, time: new Date().toISOString(), text: line };
}

/** Yields the lines of a multiplexed Docker log stream, in order. */
export async function* demuxLines(source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<RuntimeLogLine> {
  let buf = Buffer.alloc(0);
  const partial: Record<string, string> = { stdout: '', stderr: '' };
  for await (const chunk of source) {
    buf = buf.length ? Buffer.concat([buf, Buffer.from(chunk)]) : Buffer.from(chunk);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      const stream = buf[0] === 2 ? 'stderr' : 'stdout';
      const text = partial[stream] + buf.subarray(8, 8 + size).toString('utf8');
      buf = buf.subarray(8 + size);
      const lines = text.split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const l of lines) yield parseStampedLine(l, stream);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) yield parseStampedLine(partial[stream]!, stream);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatestBySubject } from './compaction.js';

const bytes = (subject: string, seq: number, size: number) => new TextEncoder().encode(`${subject}#${seq}:`.padEnd(size, '.'));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Drains `c`, reading each message while it is valid (the views die with the drain). */
const drained = (c: LatestBySubject) => {
  const out: { seq: number; subject: string; data: string }[] = [];
  for (const m of c.drain()) out.push({ seq: m.seq, subject: m.subject, data: text(m.data) });
  return out;
};

/** Arbitrary logs: messages of a few sizes (up to 300 KiB, so the 1 MiB buffer fills) on a handful of subjects. */
const logs = fc.array(fc.record({ subject: fc.constantFrom('a', 'b', 'c', 'd', 'e'), size: fc.constantFrom(10, 1000, 70_000, 300_000) }), { maxLength: 80 }).map((raw) =>
  raw.map((r, i) => ({ seq: i + 1, subject: r.subject, data: bytes(r.subject, i + 1, r.size) })),
);

/** What a compactor should hold: the newest message per subject, oldest first. */
function newestPerSubject(log: { seq: number; subject: string; data: Uint8Array }[]) {
  const last = new Map<string, { seq: number; subject: string; data: string }>();
  for (const m of log) last.set(m.subject, { seq: m.seq, subject: m.subject, data: text(m.data) });
  return [...last.values()].sort((a, b) => a.seq - b.seq);
}

describe('LatestBySubject (log compaction while catching up)', () => {
  it('holds exactly the newest message of each subject, oldest first, whatever compactions ran', () => {
    fc.assert(
      fc.property(logs, (log) => {
        const c = new LatestBySubject();
        for (const m of log) expect(c.add(m.seq, m.subject, m.data)).toBe(true);
        expect(c.added).toBe(log.length);
        expect(c.lastSeq).toBe(log.length);
        expect(drained(c)).toEqual(newestPerSubject(log));
      }),
    );
  });

  it('copies what it is given: reusing the caller\'s buffer changes nothing held', () => {
    const c = new LatestBySubject();
    const shared = bytes('a', 1, 20);
    c.add(1, 'a', shared);
    shared.fill(0);
    expect(drained(c)[0]!.data).toBe(text(bytes('a', 1, 20)));
  });

  it('is empty and reusable after a drain', () => {
    const c = new LatestBySubject();
    c.add(1, 'a', bytes('a', 1, 5000));
    drained(c);
    expect(c.size).toBe(0);
    expect(c.liveBytes).toBe(0);
    c.add(7, 'b', bytes('b', 7, 10));
    expect([...c.drain()].map((m) => m.seq)).toEqual([7]);
  });

  it('refuses a message that would outgrow its limit and keeps what it holds', () => {
    const c = new LatestBySubject(2 ** 20);
    expect(c.add(1, 'a', bytes('a', 1, 600_000))).toBe(true);
    expect(c.add(2, 'a', bytes('a', 2, 600_000))).toBe(true); // replaces: still fits after compacting
    expect(c.add(3, 'b', bytes('b', 3, 600_000))).toBe(false);
    expect([...c.drain()].map((m) => [m.subject, m.seq])).toEqual([['a', 2]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { CorruptEvent } from '@wharf/model';
import { CorruptCounter, CorruptLog } from './corrupt.js';
import type { Logger } from './logger.js';

const corrupt = (seq: number): CorruptEvent => ({ type: 'CorruptEvent', seq, subject: `wharf.c.obj.pod.default.p${seq}`, reason: 'not JSON' });

describe('corrupt messages: counted per reader, logged once per process', () => {
  it('given a reader that re-reads after a restart, when it meets the same messages again, then they are counted once and the newest ten kept', () => {
    const c = new CorruptCounter();
    for (let seq = 1; seq <= 12; seq++) c.add(corrupt(seq));
    expect(c.add(corrupt(5))).toBe(false);
    expect(c.add(corrupt(12))).toBe(false);
    expect(c.value.count).toBe(12);
    expect(c.value.recent.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('given several readers of one process, when they meet the same message, then it is logged once at warn, and the logger is made only when needed', () => {
    const lines: unknown[][] = [];
    let made = 0;
    const log = new CorruptLog(() => {
      made++;
      return { warn: (...args: unknown[]) => lines.push(args) } as unknown as Logger;
    });
    expect(made).toBe(0);
    log.note(corrupt(7));
    log.note(corrupt(7));
    log.note(corrupt(9));
    expect(made).toBe(1);
    expect(lines).toEqual([
      [{ seq: 7, subject: 'wharf.c.obj.pod.default.p7', reason: 'not JSON' }, 'set aside a corrupt message of the event log'],
      [{ seq: 9, subject: 'wharf.c.obj.pod.default.p9', reason: 'not JSON' }, 'set aside a corrupt message of the event log'],
    ]);
  });
});

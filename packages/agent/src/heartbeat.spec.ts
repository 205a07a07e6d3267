import { describe, expect, it } from 'vitest';
import { isFresh } from './heartbeat.js';

describe('heartbeat freshness', () => {
  it('is fresh within 3 intervals', () => {
    const hb = { node: 'n', instance: 'i', address: 'a', intervalMs: 1000, time: new Date(10_000).toISOString() };
    expect(isFresh(hb, 12_900, 1000)).toBe(true);
    expect(isFresh(hb, 13_100, 1000)).toBe(false);
  });
});

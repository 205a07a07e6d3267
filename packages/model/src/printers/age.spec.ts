import { describe, expect, it } from 'vitest';
import { ageSince, formatAge } from './age.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('formatAge', () => {
  it.each([
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 20 * s, '3m20s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 7 * m, '5h7m'],
    [47 * h, '47h'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d, '7d'],
    [400 * d, '400d'],
    [2 * 365 * d + 10 * d, '2y10d'],
    [9 * 365 * d, '9y'],
  ])('%i ms is %s', (ms, want) => {
    expect(formatAge(ms)).toBe(want);
  });
});

describe('ageSince', () => {
  const now = new Date('2025-01-01T00:10:00Z');
  it('measures from the timestamp to now', () => expect(ageSince('2025-01-01T00:00:00Z', now)).toBe('10m'));
  it('is <unknown> without a timestamp', () => {
    expect(ageSince(undefined, now)).toBe('<unknown>');
    expect(ageSince(null, now)).toBe('<unknown>');
    expect(ageSince('garbage', now)).toBe('<unknown>');
  });
});

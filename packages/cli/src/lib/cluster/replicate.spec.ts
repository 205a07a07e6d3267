import { describe, expect, it } from 'vitest';
import { seedGone } from './replicate.js';

describe('seedGone', () => {
  it('is true once the meta leader marks the seed offline, or has not heard from it for over 10 s while it is behind', () => {
    expect(seedGone({ current: false, offline: true, active: 0 })).toBe(true);
    expect(seedGone({ current: false, offline: false, active: 92e9 })).toBe(true);
    expect(seedGone({ current: false, offline: false, active: 2e9 })).toBe(false);
    expect(seedGone({ current: true, offline: false, active: 30e9 })).toBe(false);
    expect(seedGone({ current: false, offline: false })).toBe(false);
  });
});

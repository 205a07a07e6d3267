import { describe, expect, it } from 'vitest';
import { compareVersions, MIN_NATS_VERSION } from './connect.js';

describe('the nats-server version check', () => {
  it('refuses 2.9 and accepts 2.10 and newer', () => {
    expect(compareVersions('2.9.10', MIN_NATS_VERSION)).toBeLessThan(0);
    expect(compareVersions('2.9.21', MIN_NATS_VERSION)).toBeLessThan(0);
    expect(compareVersions('2.10.0', MIN_NATS_VERSION)).toBe(0);
    expect(compareVersions('2.10.27', MIN_NATS_VERSION)).toBeGreaterThan(0);
    expect(compareVersions('v2.11.1-beta', MIN_NATS_VERSION)).toBeGreaterThan(0);
    expect(compareVersions('3.0.0', '2.99.99')).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { compareVersions, mergeServers, MIN_NATS_VERSION, serverKey } from './connect.js';

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

describe('the servers a component learned', () => {
  it('compares URLs and connect_urls entries by host:port', () => {
    expect(serverKey('tls://10.0.0.1:4222')).toBe('10.0.0.1:4222');
    expect(serverKey('nats://user:pw@Host.Example:4222/')).toBe('host.example:4222');
    expect(serverKey('10.0.0.2:4222')).toBe('10.0.0.2:4222');
  });

  it('puts the given servers first, as given, and each learned one once', () => {
    expect(mergeServers(['tls://10.0.0.1:4222'], ['10.0.0.1:4222', '10.0.0.2:4222', '10.0.0.2:4222', '10.0.0.3:4222'])).toEqual(['tls://10.0.0.1:4222', '10.0.0.2:4222', '10.0.0.3:4222']);
    expect(mergeServers(['tls://10.0.0.1:4222'], [])).toEqual(['tls://10.0.0.1:4222']);
  });
});

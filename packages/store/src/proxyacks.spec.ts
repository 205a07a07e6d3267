import { describe, expect, it } from 'vitest';
import { isProxyAck } from './proxyacks.js';

describe('isProxyAck', () => {
  const ack = { node: 'node-a', instance: 'i', address: '127.0.0.2', seq: 12, draining: [{ ip: '127.0.0.1', port: 32001 }], time: '2025-01-01T00:00:00Z', intervalMs: 2000 };

  it('accepts an acknowledgement as a proxy writes it', () => {
    expect(isProxyAck(ack)).toBe(true);
  });

  it.each([
    ['no sequence', { ...ack, seq: undefined }],
    ['a fractional sequence', { ...ack, seq: 1.5 }],
    ['an interval of 0', { ...ack, intervalMs: 0 }],
    ['draining that is not a list', { ...ack, draining: '127.0.0.1:1' }],
    ['a draining entry without a port', { ...ack, draining: [{ ip: '127.0.0.1' }] }],
    ['null', null],
  ])('rejects a value with %s (another writer is checked, not trusted)', (_, v) => {
    expect(isProxyAck(v)).toBe(false);
  });
});

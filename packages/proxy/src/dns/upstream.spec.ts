import { describe, expect, it } from 'vitest';
import { parseUpstream } from './upstream.js';

describe('parseUpstream', () => {
  it('given an address alone, then port 53', () => {
    expect(parseUpstream('127.0.0.53')).toEqual({ host: '127.0.0.53', port: 53 });
    expect(parseUpstream('::1')).toEqual({ host: '::1', port: 53 });
  });
  it('given HOST:PORT or [V6]:PORT, then that port', () => {
    expect(parseUpstream('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseUpstream('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
  });
});

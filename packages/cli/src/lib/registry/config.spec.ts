import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registryComplaint, registryConfig, registryHostPort } from './config.js';

describe('registryConfig', () => {
  it('serves TLS on the listen address with the given key pair, storing under dataDir', () => {
    const c = parse(registryConfig({ dataDir: '/var/lib/wharf/registry/data', listen: '10.0.0.5:5000', certFile: '/r/registry.crt', keyFile: '/r/registry.key' }));
    expect(c.version).toBe(0.1);
    expect(c.http.addr).toBe('10.0.0.5:5000');
    expect(c.http.tls).toEqual({ certificate: '/r/registry.crt', key: '/r/registry.key' });
    expect(c.storage.filesystem).toEqual({ rootdirectory: '/var/lib/wharf/registry/data' });
    expect(c.storage.delete).toEqual({ enabled: true });
    expect(c.auth).toBeUndefined();
  });

  it('keeps paths with spaces and colons intact', () => {
    const c = parse(registryConfig({ dataDir: '/tmp/a b: c', listen: '[::1]:5000', certFile: '/x: y.crt', keyFile: '#k' }));
    expect([c.storage.filesystem.rootdirectory, c.http.addr, c.http.tls.certificate, c.http.tls.key]).toEqual(['/tmp/a b: c', '[::1]:5000', '/x: y.crt', '#k']);
  });
});

describe('registryHostPort', () => {
  it('brackets IPv6 addresses only', () => {
    expect(registryHostPort('::1', 5000)).toBe('[::1]:5000');
    expect(registryHostPort('10.0.0.5', 5000)).toBe('10.0.0.5:5000');
    expect(registryHostPort('seed.example', 443)).toBe('seed.example:443');
  });
});

describe('registryComplaint', () => {
  it('takes the message of the last fatal line', () => {
    const log = [
      'time="2026-01-01T00:00:00Z" level=info msg="redis not configured" go.version=go1.19.8',
      'time="2026-01-01T00:00:00Z" level=fatal msg="listen tcp [::1]:5000: bind: address already in use"',
    ].join('\n');
    expect(registryComplaint(log)).toBe('listen tcp [::1]:5000: bind: address already in use');
  });
  it('keeps quotes escaped inside the message, and falls back to the last line', () => {
    expect(registryComplaint('level=error msg="open \\"/x\\": no such file" x=1\n')).toBe('open "/x": no such file');
    expect(registryComplaint('configuration error: bad\n\n')).toBe('configuration error: bad');
    expect(registryComplaint('')).toBe('');
  });
});

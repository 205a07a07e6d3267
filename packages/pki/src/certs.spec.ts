import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeCA, signServingCert, subjectAltNames } from './certs.js';

describe('subjectAltNames', () => {
  it('names IPs (v4 and v6) as IP and the rest as DNS, once each, without wildcard listen addresses', () => {
    expect(subjectAltNames(['10.0.0.5', 'seed', '::1', '0.0.0.0', '::', 'seed', ' '])).toBe('IP:10.0.0.5,DNS:seed,IP:::1');
  });
  it('refuses a certificate for no host', () => {
    expect(() => subjectAltNames(['0.0.0.0'])).toThrow(RangeError);
  });
});

describe('signServingCert', () => {
  it('signs a certificate for the hosts that verifies against the CA', () => {
    const ca = makeCA('wharf-ca-spec');
    const srv = signServingCert(ca, ['127.0.0.1', 'registry.local'], 'wharf-registry');
    const x = new X509Certificate(srv.cert);
    expect(x.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('registry.local')).toBe('registry.local');
    expect(x.checkHost('other.local')).toBeUndefined();
    expect(srv.key).toContain('PRIVATE KEY');
  });
});

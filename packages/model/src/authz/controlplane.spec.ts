import { describe, expect, it } from 'vitest';
import { BundleKeyError, certificateKeyVerifier, type ControlPlaneBundle, newCertificateKey, openBundle, routeUrls, sealBundle, withMember } from './controlplane.js';

const bundle: ControlPlaneBundle = { caCert: 'CERT', caKey: 'KEY', natsIdentity: { operator: 'SO', systemAccount: 'SA', account: 'SA2' }, route: { user: 'wharf-route', password: 'p' } };

describe('sealed control-plane secrets', () => {
  it('open with the key they were sealed under, and with no other', () => {
    const key = newCertificateKey();
    const sealed = sealBundle(bundle, key);
    expect(JSON.stringify(sealed)).not.toContain('KEY');
    expect(openBundle(sealed, key)).toEqual(bundle);
    expect(() => openBundle(sealed, newCertificateKey())).toThrow(BundleKeyError);
    expect(() => openBundle({ ...sealed, data: Buffer.from('tampered').toString('base64') }, key)).toThrow(BundleKeyError);
    expect(() => sealBundle(bundle, 'short')).toThrow(BundleKeyError);
  });
  it('a verifier tells keys apart and is not the key', () => {
    const key = newCertificateKey();
    expect(certificateKeyVerifier(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(certificateKeyVerifier(key)).not.toBe(key);
    expect(certificateKeyVerifier(key)).not.toBe(certificateKeyVerifier(newCertificateKey()));
  });
});

describe('the members list', () => {
  const m = (name: string) => ({ name, natsUrl: `tls://${name}:4222`, routeUrl: `nats-route://${name}:6222`, apiUrl: `https://${name}:6443` });
  it('lists every member\'s route and the seed\'s until it retired', () => {
    const list = withMember(withMember({ members: [m('b')], seed: { name: 's', routeUrl: 'nats-route://a:6223', retired: false } }, m('a')), m('b'));
    expect(list.members.map((x) => x.name)).toEqual(['a', 'b']);
    expect(routeUrls(list)).toEqual(['nats-route://a:6222', 'nats-route://a:6223', 'nats-route://b:6222']);
    expect(routeUrls({ ...list, seed: { ...list.seed!, retired: true } })).toEqual(['nats-route://a:6222', 'nats-route://b:6222']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseIpv4Cidr } from '@wharf/model';
import { configOf, serviceCidrOf } from './config.js';

const base = { nats: 'nats://127.0.0.1:4222', cluster: 'c', node: 'n1', address: '192.0.2.5', 'cluster-domain': 'cluster.local' };
const resolvConf = 'nameserver 192.0.2.53\n';

describe('configOf', () => {
  it('given no network flags, serves 10.96.0.0/16 and DNS on 10.96.0.10:53, forwarding to resolv.conf', () => {
    const cfg = configOf(base, resolvConf);
    expect(cfg.serviceCidr).toEqual(parseIpv4Cidr('10.96.0.0/16'));
    expect(cfg.dns).toEqual({ address: '10.96.0.10', port: 53, upstreams: [{ host: '192.0.2.53', port: 53 }], domain: 'cluster.local' });
    expect(cfg.syncPeriodMs).toBe(30_000);
  });

  it('given another service CIDR, takes its 10th address for DNS; --cluster-dns and --dns-listen override it', () => {
    expect(configOf({ ...base, 'service-cidr': '10.100.0.0/24' }, resolvConf).dns?.address).toBe('10.100.0.10');
    expect(configOf({ ...base, 'cluster-dns': '10.96.0.53' }, resolvConf).dns).toMatchObject({ address: '10.96.0.53', port: 53 });
    expect(configOf({ ...base, 'dns-listen': '127.0.0.1:5353' }, resolvConf).dns).toMatchObject({ address: '127.0.0.1', port: 5353 });
  });

  it('given --dns-listen off, has no responder; given --service-cidr off, neither cluster IPs nor a default DNS address', () => {
    expect(configOf({ ...base, 'dns-listen': 'off' }, resolvConf).dns).toBeUndefined();
    const off = configOf({ ...base, 'service-cidr': 'off' }, resolvConf);
    expect(off.serviceCidr).toBeUndefined();
    expect(off.dns).toBeUndefined();
    expect(configOf({ ...base, 'service-cidr': 'off', 'cluster-dns': '169.254.20.10' }, resolvConf).dns?.address).toBe('169.254.20.10');
  });

  it('never forwards to the responder itself', () => {
    expect(configOf(base, 'nameserver 10.96.0.10\nnameserver 192.0.2.53\n').dns?.upstreams).toEqual([{ host: '192.0.2.53', port: 53 }]);
  });

  it('refuses bad values in one line', () => {
    expect(() => configOf({ ...base, 'cluster-dns': 'dns.example' }, resolvConf)).toThrow('--cluster-dns: "dns.example" is not an IP address');
    expect(() => configOf({ ...base, 'dns-listen': 'nowhere' }, resolvConf)).toThrow('--dns-listen: "nowhere" is not ADDR:PORT or off');
    expect(() => configOf({ ...base, 'sync-period': '0' }, resolvConf)).toThrow('--sync-period: "0" is not a positive integer');
  });
});

describe('serviceCidrOf', () => {
  it('takes a /12 to /28, or off', () => {
    expect(serviceCidrOf('10.96.0.0/12')).toEqual(parseIpv4Cidr('10.96.0.0/12'));
    expect(serviceCidrOf('OFF')).toBeUndefined();
    expect(() => serviceCidrOf('10.0.0.0/8')).toThrow('--service-cidr: 10.0.0.0/8 is a /8: the service CIDR must be a /12 to a /28');
    expect(() => serviceCidrOf('10.96.0.0')).toThrow('--service-cidr: "10.96.0.0" is not an IPv4 CIDR');
  });
});

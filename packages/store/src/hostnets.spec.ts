import { describe, expect, it } from 'vitest';
import { parseIpv4Cidr } from '@wharf/model';
import { describeOverlap, interfaceNetworks, overlappingNetwork, parseRoutes, refuseHostOverlap } from './hostnets.js';

const ROUTES = `default via 192.0.2.1 dev eth0
172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 linkdown
192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
10.9.9.9 via 192.0.2.1 dev eth0
blackhole 10.50.0.0/16
10.96.0.0/16 dev wharf-svc0 scope link
10.244.1.0/24 via 10.213.0.11 dev wht1a2b proto 213
`;

describe('parseRoutes', () => {
  it('given `ip -4 route` output, lists the destinations but the default route, Wharf devices and Wharf routes (proto 213)', () => {
    expect(parseRoutes(ROUTES).map((n) => n.source)).toEqual(['route 172.17.0.0/16 dev docker0', 'route 192.0.2.0/24 dev eth0', 'route 10.9.9.9 dev eth0', 'route 10.50.0.0/16']);
    expect(parseRoutes(ROUTES)[2]!.cidr).toEqual(parseIpv4Cidr('10.9.9.9/32'));
  });

  // `ip -4 route show table all` on a node whose wharf-proxy made the service range local and
  // whose agent routes another node's pod CIDR: the API, the reconcilers and the proxy itself
  // must restart there, so neither is the machine's; a foreign AnyIP range still is.
  const ALL_TABLES = `default via 192.0.2.1 dev eth0
10.244.1.0/24 via 192.0.2.3 dev eth0 proto 213
10.244.0.0/24 dev wharf1a2b3c4d proto kernel scope link src 10.244.0.1
local 10.96.0.0/16 dev wharfs0a1b2c3d table local proto boot scope host
local 10.97.0.0/16 dev kube-ipvs0 table local proto boot scope host
local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1
local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2
broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
`;

  it('given every table, leaves out the local route on the wharfs link, the pod bridges and the routes of protocol 213', () => {
    const nets = parseRoutes(ALL_TABLES);
    expect(nets.map((n) => n.source)).toEqual([
      'route 10.97.0.0/16 dev kube-ipvs0 table local',
      'route 127.0.0.0/8 dev lo table local',
      'route 192.0.2.2 dev eth0 table local',
      'route 192.0.2.255 dev eth0 table local',
    ]);
    expect(overlappingNetwork(parseIpv4Cidr('10.96.0.0/16'), nets)).toBeUndefined();
    expect(overlappingNetwork(parseIpv4Cidr('10.244.0.0/16'), nets)).toBeUndefined();
    expect(overlappingNetwork(parseIpv4Cidr('10.97.0.0/16'), nets)?.source).toBe('route 10.97.0.0/16 dev kube-ipvs0 table local');
  });

  it('given empty or odd output, lists nothing', () => {
    expect(parseRoutes('')).toEqual([]);
    expect(parseRoutes('garbage here\n')).toEqual([]);
  });
});

describe('interfaceNetworks', () => {
  it('given interfaces, lists their IPv4 subnets but Wharf-made ones', () => {
    const ifaces = {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.0.2.2/24' },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
      wharf0: [{ address: '10.96.0.1', netmask: '255.255.0.0', family: 'IPv4', mac: '', internal: false, cidr: '10.96.0.1/16' }],
    } as const;
    expect(interfaceNetworks(ifaces as never).map((n) => n.source)).toEqual(['lo 127.0.0.1/8', 'eth0 192.0.2.2/24']);
  });
});

describe('overlappingNetwork', () => {
  const nets = parseRoutes(ROUTES);
  it('given a range clear of every network, finds none', () => {
    expect(overlappingNetwork(parseIpv4Cidr('10.96.0.0/16'), nets)).toBeUndefined();
  });

  it('given a range over docker0, names it in one line', () => {
    const range = parseIpv4Cidr('172.16.0.0/12');
    expect(describeOverlap(range, overlappingNetwork(range, nets)!)).toBe("172.16.0.0/12 overlaps this machine's network 172.17.0.0/16 (route 172.17.0.0/16 dev docker0)");
  });
});

describe('refuseHostOverlap', () => {
  it('given a range clear of the networks, passes; given an overlap, throws one line naming the flag', () => {
    const nets = parseRoutes(ROUTES);
    expect(() => refuseHostOverlap('cluster-cidr', parseIpv4Cidr('10.244.0.0/16'), nets)).not.toThrow();
    expect(() => refuseHostOverlap('cluster-cidr', parseIpv4Cidr('172.16.0.0/12'), nets)).toThrow("--cluster-cidr: 172.16.0.0/12 overlaps this machine's network 172.17.0.0/16 (route 172.17.0.0/16 dev docker0); choose a range clear of it");
  });
});

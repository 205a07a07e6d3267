import { describe, expect, it } from 'vitest';
import { MAX_DNS_SEARCH_PATHS, parseResolvConf, podSearchDomains, renderPodResolvConf } from './resolvconf.js';

describe('renderPodResolvConf', () => {
  it('given a pod in shop and the node responder, then the kubelet\'s ClusterFirst file', () => {
    expect(renderPodResolvConf({ nameservers: ['10.244.0.1'], namespace: 'shop' })).toBe('nameserver 10.244.0.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });
  it('given a cluster domain and host search domains, then the host\'s follow the cluster\'s, without duplicates', () => {
    expect(podSearchDomains('default', 'corp.example', ['lan.', 'corp.example'])).toEqual(['default.svc.corp.example', 'svc.corp.example', 'corp.example', 'lan']);
  });
  it('given more than the kubelet\'s limit of search domains, then the first 32 are kept', () => {
    const host = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    expect(podSearchDomains('default', 'cluster.local', host)).toHaveLength(MAX_DNS_SEARCH_PATHS);
  });
  it('given four nameservers, then libc\'s three are written', () => {
    expect(renderPodResolvConf({ nameservers: ['a', 'b', 'c', 'd'], namespace: 'x' }).match(/nameserver/g)).toHaveLength(3);
  });
});

describe('parseResolvConf', () => {
  it('given a node\'s file with comments, then its nameservers and the last search line', () => {
    const text = '# generated\nnameserver 127.0.0.53 # stub\ndomain a.example\nsearch b.example c.example\noptions edns0\nnameserver ::1\n';
    expect(parseResolvConf(text)).toEqual({ nameservers: ['127.0.0.53', '::1'], search: ['b.example', 'c.example'] });
  });
});

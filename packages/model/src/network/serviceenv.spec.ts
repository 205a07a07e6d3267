import { describe, expect, it } from 'vitest';
import type { Service } from '../schemas/service.js';
import { serviceEnvFor, serviceEnvVars } from './serviceenv.js';

const svc = (name: string, namespace: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec }) as Service;

describe('serviceEnvVars', () => {
  it('given redis-primary with a named and an unnamed port, then the kubelet\'s variables in its order', () => {
    const vars = serviceEnvVars(svc('redis-primary', 'default', { clusterIP: '10.96.0.11', ports: [{ port: 6379 }, { name: 'metrics', port: 9121, protocol: 'TCP' }] }));
    expect(vars).toEqual([
      { name: 'REDIS_PRIMARY_SERVICE_HOST', value: '10.96.0.11' },
      { name: 'REDIS_PRIMARY_SERVICE_PORT', value: '6379' },
      { name: 'REDIS_PRIMARY_SERVICE_PORT_METRICS', value: '9121' },
      { name: 'REDIS_PRIMARY_PORT', value: 'tcp://10.96.0.11:6379' },
      { name: 'REDIS_PRIMARY_PORT_6379_TCP', value: 'tcp://10.96.0.11:6379' },
      { name: 'REDIS_PRIMARY_PORT_6379_TCP_PROTO', value: 'tcp' },
      { name: 'REDIS_PRIMARY_PORT_6379_TCP_PORT', value: '6379' },
      { name: 'REDIS_PRIMARY_PORT_6379_TCP_ADDR', value: '10.96.0.11' },
      { name: 'REDIS_PRIMARY_PORT_9121_TCP', value: 'tcp://10.96.0.11:9121' },
      { name: 'REDIS_PRIMARY_PORT_9121_TCP_PROTO', value: 'tcp' },
      { name: 'REDIS_PRIMARY_PORT_9121_TCP_PORT', value: '9121' },
      { name: 'REDIS_PRIMARY_PORT_9121_TCP_ADDR', value: '10.96.0.11' },
    ]);
  });
  it('given an IPv6 cluster IP and a UDP port, then the URL brackets the address', () => {
    const vars = serviceEnvVars(svc('dns', 'default', { clusterIP: 'fd00::a', ports: [{ port: 53, protocol: 'UDP' }] }));
    expect(vars).toContainEqual({ name: 'DNS_PORT_53_UDP', value: 'udp://[fd00::a]:53' });
  });
  it('given a headless Service or one without a cluster IP yet, then no variables', () => {
    expect(serviceEnvVars(svc('h', 'default', { clusterIP: 'None', ports: [{ port: 1 }] }))).toEqual([]);
    expect(serviceEnvVars(svc('n', 'default', { ports: [{ port: 1 }] }))).toEqual([]);
  });
});

describe('serviceEnvFor', () => {
  const all = [
    svc('web', 'shop', { clusterIP: '10.96.0.2', ports: [{ port: 80 }] }),
    svc('api', 'shop', { clusterIP: '10.96.0.3', ports: [{ port: 81 }] }),
    svc('web', 'other', { clusterIP: '10.96.0.4', ports: [{ port: 80 }] }),
    svc('kubernetes', 'default', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] }),
  ];
  const hosts = (vars: { name: string; value: string }[]) => vars.filter((v) => v.name.endsWith('_SERVICE_HOST')).map((v) => `${v.name}=${v.value}`);
  it('given a pod in shop, then its namespace\'s Services and the kubernetes Service, by name', () => {
    expect(hosts(serviceEnvFor(all, 'shop'))).toEqual(['API_SERVICE_HOST=10.96.0.3', 'KUBERNETES_SERVICE_HOST=10.96.0.1', 'WEB_SERVICE_HOST=10.96.0.2']);
  });
  it('given enableServiceLinks false, then only the kubernetes Service', () => {
    expect(hosts(serviceEnvFor(all, 'shop', false))).toEqual(['KUBERNETES_SERVICE_HOST=10.96.0.1']);
  });
});

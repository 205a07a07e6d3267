import { describe, expect, it } from 'vitest';
import type { KObject } from '../object.js';
import { tableColumns } from './columns.js';
import { buildTable, tableRow } from './table.js';
import { formatEndpoints, formatLabels, formatServicePorts } from './rows.js';
import type { KindName } from '../kinds.js';

const now = new Date('2025-01-01T12:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2025-01-01T10:00:00Z', ...extra });
const obj = (kind: string, rest: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind, metadata: meta('x'), ...rest }) as KObject;

describe('formatters', () => {
  it('formats labels sorted, <none> when empty', () => {
    expect(formatLabels({ tier: 'web', app: 'ms1' })).toBe('app=ms1,tier=web');
    expect(formatLabels(undefined)).toBe('<none>');
  });
  it('formats service ports with and without nodePort', () => {
    expect(formatServicePorts([{ port: 3000, nodePort: 31234, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }])).toBe('3000:31234/TCP,53/UDP');
    expect(formatServicePorts([])).toBe('<none>');
  });
  it('formats endpoints, at most three then "+ N more..."', () => {
    const ep = (n: number) => ({ apiVersion: 'v1' as const, kind: 'Endpoints' as const, metadata: meta('svc'), subsets: [{ addresses: Array.from({ length: n }, () => ({ ip: '127.0.0.1' })), ports: [{ port: 32768 }] }] });
    expect(formatEndpoints(ep(2))).toBe('127.0.0.1:32768,127.0.0.1:32768');
    expect(formatEndpoints(ep(5))).toBe('127.0.0.1:32768,127.0.0.1:32768,127.0.0.1:32768 + 2 more...');
    expect(formatEndpoints(ep(0))).toBe('<none>');
    expect(formatEndpoints({ ...ep(0), subsets: [] })).toBe('<none>');
  });
});

describe('tableRow', () => {
  it('gives one cell per column for every kind', () => {
    const samples: [KindName, KObject][] = [
      ['Pod', obj('Pod', { spec: { containers: [{ name: 'a', image: 'b' }] } })],
      ['Service', obj('Service', { spec: {} })],
      ['ReplicationController', obj('ReplicationController', { spec: {} })],
      ['Node', obj('Node', {})],
      ['Endpoints', obj('Endpoints', {})],
      ['Namespace', obj('Namespace', {})],
      ['Event', obj('Event', { involvedObject: { kind: 'Pod', name: 'p' } })],
    ];
    for (const [kind, o] of samples) expect(tableRow(kind, o, now)).toHaveLength(tableColumns(kind).length);
  });
  it('prints a NodePort service', () => {
    const svc = obj('Service', { spec: { type: 'NodePort', clusterIP: '10.0.0.7', selector: { app: 'ms1' }, ports: [{ port: 3000, nodePort: 31234, protocol: 'TCP' }] } });
    expect(tableRow('Service', svc, now)).toEqual(['x', 'NodePort', '10.0.0.7', '<none>', '3000:31234/TCP', '120m', 'app=ms1']);
  });
  it('prints a replication controller', () => {
    const rc = obj('ReplicationController', { spec: { replicas: 3, selector: { app: 'ms1' }, template: { spec: { containers: [{ name: 'web', image: 'ms1:latest' }] } } }, status: { replicas: 3, readyReplicas: 2 } });
    expect(tableRow('ReplicationController', rc, now)).toEqual(['x', 3, 3, 2, '120m', 'web', 'ms1:latest', 'app=ms1']);
  });
  it('prints a node with its status, roles and addresses', () => {
    const node = obj('Node', {
      metadata: meta('n1', { labels: { 'node-role.kubernetes.io/control-plane': '' } }),
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], nodeInfo: { kubeletVersion: 'v0.1.0' } },
    });
    expect(tableRow('Node', node, now)).toEqual(['n1', 'NotReady,SchedulingDisabled', 'control-plane', '120m', 'v0.1.0', '127.0.0.1', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
  it('prints an event', () => {
    const ev = obj('Event', { involvedObject: { kind: 'Pod', name: 'p' }, type: 'Normal', reason: 'Scheduled', message: ' assigned ', lastTimestamp: '2025-01-01T11:59:00Z', firstTimestamp: '2025-01-01T11:00:00Z', source: { component: 'scheduler' } });
    expect(tableRow('Event', ev, now)).toEqual(['60s', 'Normal', 'Scheduled', 'pod/p', '', 'scheduler', 'assigned', '60m', 1, 'x']);
  });
});

describe('buildTable', () => {
  it('builds a meta.k8s.io Table with metadata rows', () => {
    const t = buildTable('Namespace', [obj('Namespace', { metadata: { name: 'default', managedFields: [] } })], now, '7');
    expect(t.metadata.resourceVersion).toBe('7');
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(t.rows[0]).toEqual({ cells: ['default', 'Active', '<unknown>'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'default' } } });
  });
  it('marks wide columns with priority 1', () => {
    expect(tableColumns('Pod').filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
  });
});

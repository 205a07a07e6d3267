import { describe, expect, it } from 'vitest';
import { baselineViolations, podSecurityError } from './podsecurity.js';

const volumes = [{ name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: '/etc' } }];

describe('Pod Security baseline: privileged pod fields', () => {
  it('finds hostPath volumes in pods and in the pod templates of replication controllers', () => {
    expect(baselineViolations('pods', { spec: { volumes } })).toEqual([{ field: 'spec.volumes[1].hostPath', check: 'hostPath volumes' }]);
    expect(baselineViolations('replicationcontrollers', { spec: { template: { spec: { volumes } } } })).toEqual([{ field: 'spec.template.spec.volumes[1].hostPath', check: 'hostPath volumes' }]);
  });

  it('finds nothing in ordinary pods, other kinds or malformed bodies', () => {
    expect(baselineViolations('pods', { spec: { volumes: [volumes[0]] } })).toEqual([]);
    expect(baselineViolations('services', { spec: { volumes } })).toEqual([]);
    for (const body of [null, 'x', [], { spec: 'x' }, { spec: { volumes: 'x' } }, { spec: { template: [] } }]) {
      expect(baselineViolations('pods', body)).toEqual([]);
      expect(baselineViolations('replicationcontrollers', body)).toEqual([]);
    }
  });

  it('refuses with a 403 that names every field', () => {
    const s = podSecurityError('pods', 'web', baselineViolations('pods', { spec: { volumes: [...volumes, { name: 'h2', hostPath: { path: '/' } }] } })).toStatus();
    expect(s.message).toBe('pods "web" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (spec.volumes[1].hostPath, spec.volumes[2].hostPath)');
    expect(s.code).toBe(403);
    expect(s.details?.causes?.map((c) => c.field)).toEqual(['spec.volumes[1].hostPath', 'spec.volumes[2].hostPath']);
  });
});

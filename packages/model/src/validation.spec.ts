import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KObject } from './object.js';
import type { Container, PodSpec } from './schemas/pod.js';
import type { ServicePort } from './schemas/service.js';
import { validateObject, validatePodSpec } from './validation.js';

const container = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'nginx', ...extra });
const pod = (spec: PodSpec, metadata: Record<string, unknown> = { name: 'web', namespace: 'default' }): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: metadata as KObject['metadata'], spec });
const fields = (causes: { field: string }[]) => causes.map((c) => c.field);

describe('validateObject: names', () => {
  it('given a valid pod, finds nothing', () => {
    expect(validateObject(pod({ containers: [container('app')] }), true)).toEqual([]);
  });

  it('given no name, requires one', () => {
    expect(validateObject(pod({ containers: [container('app')] }, { namespace: 'default' }), true)).toEqual([{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'name or generateName is required' }]);
  });

  it.each(['Web', 'web_1', '-web', 'web-', 'web..1', `${'a'.repeat(254)}`])('given the object name %j, reports it is no DNS subdomain', (name) => {
    const [cause] = validateObject(pod({ containers: [container('app')] }, { name, namespace: 'default' }), true);
    expect(cause).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    expect(cause!.message).toContain(`Invalid value: "${name}"`);
  });

  it('given a dotted name, accepts it for a pod but not for a namespace, whose names are DNS labels', () => {
    expect(validateObject(pod({ containers: [container('app')] }, { name: 'web.v1', namespace: 'default' }), true)).toEqual([]);
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } } as KObject;
    expect(fields(validateObject(ns, false))).toEqual(['metadata.name']);
  });

  it('given a namespaced object in an invalid namespace, reports metadata.namespace; a cluster-scoped one is not checked', () => {
    const p = pod({ containers: [container('app')] }, { name: 'web', namespace: 'Team_A' });
    expect(validateObject(p, true)).toEqual([{ reason: 'FieldValueInvalid', field: 'metadata.namespace', message: 'Invalid value: "Team_A"' }]);
    expect(validateObject(p, false)).toEqual([]);
  });
});

describe('validatePodSpec', () => {
  it('given two containers with one name, reports the second as a duplicate under the given path', () => {
    expect(validatePodSpec({ containers: [container('app'), container('app')] }, 'spec.template.spec')).toEqual([
      { reason: 'FieldValueDuplicate', field: 'spec.template.spec.containers[1].name', message: 'Duplicate value: "app"' },
    ]);
  });

  it('given two volumes with one name, reports the second', () => {
    const volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', hostPath: { path: '/tmp' } }];
    expect(validatePodSpec({ containers: [container('app')], volumes }, 'spec')).toEqual([{ reason: 'FieldValueDuplicate', field: 'spec.volumes[1].name', message: 'Duplicate value: "data"' }]);
  });

  it('given a container with two ports of one name, reports the second port', () => {
    const c = container('app', { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 8080 }] });
    expect(fields(validatePodSpec({ containers: [c] }, 'spec'))).toEqual(['spec.containers[0].ports[1].name']);
  });

  it('given one host port used twice with one protocol, even across containers, reports the second use', () => {
    const a = container('a', { ports: [{ containerPort: 80, hostPort: 8080 }] });
    const b = container('b', { ports: [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }] });
    expect(validatePodSpec({ containers: [a, b] }, 'spec')).toEqual([{ reason: 'FieldValueDuplicate', field: 'spec.containers[1].ports[0].hostPort', message: 'Duplicate value: "8080"' }]);
  });

  it('given one host port with TCP and UDP, accepts both', () => {
    const c = container('dns', { ports: [{ containerPort: 53, hostPort: 53, protocol: 'TCP' }, { containerPort: 53, hostPort: 53, protocol: 'UDP' }] });
    expect(validatePodSpec({ containers: [c] }, 'spec')).toEqual([]);
  });

  it('given a volume mount of a volume the pod does not have, reports it as not found', () => {
    const c = container('app', { volumeMounts: [{ name: 'data', mountPath: '/data' }] });
    expect(validatePodSpec({ containers: [c] }, 'spec')).toEqual([{ reason: 'FieldValueNotFound', field: 'spec.containers[0].volumeMounts[0].name', message: 'Not found: "data"' }]);
    expect(validatePodSpec({ containers: [c], volumes: [{ name: 'data', emptyDir: {} }] }, 'spec')).toEqual([]);
  });

  it('property: reports one duplicate for every container past the first of its name, at that container', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 8 }), (names) => {
        const causes = validatePodSpec({ containers: names.map((n) => container(n)) }, 'spec');
        const expected = names.flatMap((n, i) => (names.indexOf(n) < i ? [`spec.containers[${i}].name`] : []));
        expect(fields(causes)).toEqual(expected);
        expect(causes.every((c) => c.reason === 'FieldValueDuplicate')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('validateObject: ReplicationController', () => {
  const rc = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec }) as KObject;
  const template = (labels: Record<string, string>, spec: PodSpec = { containers: [container('app')] }) => ({ metadata: { labels }, spec });

  it('given a selector its template labels satisfy, finds nothing', () => {
    expect(validateObject(rc({ replicas: 1, selector: { app: 'web' }, template: template({ app: 'web', tier: 'front' }) }), true)).toEqual([]);
  });

  it('given no template, requires one', () => {
    expect(validateObject(rc({ replicas: 1, selector: { app: 'web' } }), true)).toEqual([{ reason: 'FieldValueRequired', field: 'spec.template', message: 'Required value' }]);
  });

  it('given an empty selector, requires one', () => {
    expect(validateObject(rc({ selector: {}, template: template({ app: 'web' }) }), true)).toEqual([{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }]);
  });

  it('given a selector the template labels do not satisfy, reports the template labels once', () => {
    const causes = validateObject(rc({ selector: { app: 'web', tier: 'db' }, template: template({ app: 'api' }) }), true);
    expect(causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: 'Invalid value: {"app":"api"}: `selector` does not match template `labels`' }]);
  });

  it('given a template whose restartPolicy is not Always, reports it as unsupported', () => {
    const t = template({ app: 'web' }, { containers: [container('app')], restartPolicy: 'OnFailure' });
    expect(validateObject(rc({ selector: { app: 'web' }, template: t }), true)).toEqual([
      { reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "OnFailure": supported values: "Always"' },
    ]);
  });

  it('given a template with duplicate containers, reports them under spec.template.spec', () => {
    const t = template({ app: 'web' }, { containers: [container('app'), container('app')] });
    expect(fields(validateObject(rc({ selector: { app: 'web' }, template: t }), true))).toEqual(['spec.template.spec.containers[1].name']);
  });
});

describe('validateObject: Service', () => {
  const svc = (ports: ServicePort[], type?: 'ClusterIP' | 'NodePort') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ...(type ? { type } : {}), ports } }) as KObject;

  it('given one unnamed port, or several named ones, finds nothing', () => {
    expect(validateObject(svc([{ port: 80 }]), true)).toEqual([]);
    expect(validateObject(svc([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]), true)).toEqual([]);
  });

  it('given several ports, requires a name on each', () => {
    expect(validateObject(svc([{ name: 'http', port: 80 }, { port: 443 }]), true)).toEqual([{ reason: 'FieldValueRequired', field: 'spec.ports[1].name', message: 'Required value' }]);
  });

  it('given two ports of one name, or one port and protocol twice, reports the duplicates', () => {
    expect(validateObject(svc([{ name: 'a', port: 80 }, { name: 'a', port: 81 }]), true)).toEqual([{ reason: 'FieldValueDuplicate', field: 'spec.ports[1].name', message: 'Duplicate value: "a"' }]);
    expect(validateObject(svc([{ name: 'a', port: 80 }, { name: 'b', port: 80, protocol: 'TCP' }]), true)).toEqual([{ reason: 'FieldValueDuplicate', field: 'spec.ports[1]', message: 'Duplicate value: "TCP/80"' }]);
    expect(validateObject(svc([{ name: 'a', port: 53, protocol: 'TCP' }, { name: 'b', port: 53, protocol: 'UDP' }]), true)).toEqual([]);
  });

  it('given a nodePort on a ClusterIP service, forbids it; zero counts as none', () => {
    expect(validateObject(svc([{ port: 80, nodePort: 30080 }]), true)).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.ports[0].nodePort', message: "Forbidden: may not be used when `type` is 'ClusterIP'" },
    ]);
    expect(validateObject(svc([{ port: 80, nodePort: 0 }]), true)).toEqual([]);
  });

  describe('clusterIP', () => {
    const withIP = (spec: Record<string, unknown>, type: 'ClusterIP' | 'NodePort' = 'ClusterIP') => ({ ...svc([{ port: 80 }], type), spec: { type, ports: [{ port: 80 }], ...spec } }) as KObject;

    it('given an IPv4 or IPv6 address, None, or nothing, finds nothing (the range is the allocator\'s)', () => {
      for (const spec of [{}, { clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] }, { clusterIP: 'fd00::9' }, { clusterIP: 'None', clusterIPs: ['None'] }]) expect(validateObject(withIP(spec), true)).toEqual([]);
    });

    it('given something that is not an IP address, says so in Kubernetes words', () => {
      expect(validateObject(withIP({ clusterIP: '10.96.0' }), true)).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIP', message: 'Invalid value: "10.96.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' }]);
    });

    it('given clusterIPs that disagree with clusterIP, or two of them, reports spec.clusterIPs', () => {
      expect(validateObject(withIP({ clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.8'] }), true)).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Invalid value: ["10.96.0.8"]: first value must match `clusterIP`' }]);
      expect(validateObject(withIP({ clusterIPs: ['10.96.0.8'] }), true)[0]?.message).toContain('must be empty when `clusterIP` is not specified');
      expect(validateObject(withIP({ clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9', '10.96.0.10'] }), true)[0]?.message).toContain('may specify no more than one IP for each IP family');
    });

    it('given a headless NodePort Service, refuses it', () => {
      expect(validateObject(withIP({ clusterIP: 'None' }, 'NodePort'), true)).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: 'Invalid value: "None": may not be set to \'None\' for NodePort services' }]);
    });
  });

  it.each([29999, 32768])('given the nodePort %d, outside 30000-32767, reports it', (nodePort) => {
    expect(validateObject(svc([{ port: 80, nodePort }], 'NodePort'), true)).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.ports[0].nodePort', message: `Invalid value: ${nodePort}: provided port is not in the valid range. The range of valid ports is 30000-32767` },
    ]);
  });

  it.each([30000, 32767])('given the nodePort %d, at an end of the range, accepts it', (nodePort) => {
    expect(validateObject(svc([{ port: 80, nodePort }], 'NodePort'), true)).toEqual([]);
  });

  it('given a NodePort service without ports, requires them', () => {
    expect(validateObject(svc([], 'NodePort'), true)).toEqual([{ reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' }]);
  });
});

describe('validateObject: Node', () => {
  const node = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec });
  it('given a valid pod CIDR in both fields, or none, reports nothing', () => {
    expect(validateObject(node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }), false)).toEqual([]);
    expect(validateObject(node({}), false)).toEqual([]);
  });

  it('given a pod CIDR that is not an IPv4 CIDR, podCIDRs that disagree with podCIDR, or two of them, reports the field', () => {
    expect(validateObject(node({ podCIDR: '10.244.1.0' }), false)).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.podCIDR', message: 'Invalid value: "10.244.1.0": must be a valid IPv4 CIDR value, (e.g. 10.244.1.0/24)' }]);
    expect(fields(validateObject(node({ podCIDR: 'x', podCIDRs: ['x'] }), false))).toEqual(['spec.podCIDR', 'spec.podCIDRs[0]']);
    expect(validateObject(node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.2.0/24'] }), false)[0]?.message).toBe('Invalid value: ["10.244.2.0/24"]: first value must match `podCIDR`');
    expect(validateObject(node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', '10.244.2.0/24'] }), false)[0]?.message).toContain('may specify no more than one CIDR for each IP family');
  });
});

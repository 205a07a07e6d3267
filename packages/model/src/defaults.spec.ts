import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults, defaultPullPolicy, qosClass } from './defaults.js';
import type { KObject } from './object.js';
import type { Container, Pod, PodSpec } from './schemas/pod.js';
import type { ReplicationController } from './schemas/controller.js';
import type { Service } from './schemas/service.js';

/** The object after applyDefaults, on a copy of `o`. */
function defaulted<T>(o: T): T {
  const copy = structuredClone(o);
  applyDefaults(copy as unknown as KObject);
  return copy;
}

const podOf = (spec: PodSpec): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec });
const specOf = (...resources: Container['resources'][]): PodSpec => ({ containers: resources.map((r, i) => ({ name: `c${i}`, image: 'busybox', ...(r ? { resources: r } : {}) })) });

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['library/nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/nginx', 'Always'],
    ['registry.local:5000/team/nginx:1.0', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
    ['nginx:1.25@sha256:0123456789abcdef', 'IfNotPresent'],
  ])('given the image %j, picks %s as Kubernetes does (a registry port is no tag)', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe('applyDefaults for a Pod', () => {
  it('given a bare pod, fills the pod- and container-level defaults and a Pending status', () => {
    const pod = defaulted(podOf({ containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] }));
    expect(pod.spec).toEqual({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      containers: [{ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('given values the client chose, keeps them', () => {
    const spec: PodSpec = {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'Default',
      schedulerName: 'mine',
      containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
    };
    const pod = defaulted(podOf(spec));
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(0);
    expect(pod.spec.dnsPolicy).toBe('Default');
    expect(pod.spec.schedulerName).toBe('mine');
    expect(pod.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError', ports: [{ protocol: 'UDP' }] });
  });

  it('given probes, fills their timing and the httpGet path and scheme', () => {
    const pod = defaulted(podOf({ containers: [{ name: 'web', image: 'nginx', livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 3 } }] }));
    expect(pod.spec.containers[0]!.livenessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(pod.spec.containers[0]!.readinessProbe).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 3, successThreshold: 1, failureThreshold: 3 });
  });

  it('given a status the client sent, replaces it with the server\'s Pending status', () => {
    const pod = defaulted({ ...podOf(specOf(undefined)), status: { phase: 'Running', podIP: '10.0.0.1' } } as Pod);
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('applyDefaults for a ReplicationController', () => {
  const rc = (spec: Partial<ReplicationController['spec']>, labels?: Record<string, string>): ReplicationController =>
    ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default', ...(labels ? { labels } : {}) }, spec }) as ReplicationController;
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };

  it('given no replicas, selector or labels, takes one replica and the template\'s labels for both', () => {
    const out = defaulted(rc({ template }));
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.selector).toEqual({ app: 'web' });
    expect(out.metadata.labels).toEqual({ app: 'web' });
    expect(out.status).toEqual({ replicas: 0 });
    expect(out.spec.template!.spec.restartPolicy).toBe('Always');
    expect(out.spec.template!.spec.containers[0]!.imagePullPolicy).toBe('Always');
  });

  it('given its own replicas, selector and labels, keeps them (zero replicas too)', () => {
    const out = defaulted(rc({ replicas: 0, selector: { app: 'web', tier: 'x' }, template }, { team: 'a' }));
    expect(out.spec.replicas).toBe(0);
    expect(out.spec.selector).toEqual({ app: 'web', tier: 'x' });
    expect(out.metadata.labels).toEqual({ team: 'a' });
  });

  it('given the selector copied from the template, does not share the template\'s label object', () => {
    const out = defaulted(rc({ template }));
    out.spec.selector!.app = 'changed';
    expect(out.spec.template!.metadata!.labels).toEqual({ app: 'web' });
  });
});

describe('applyDefaults for a Service', () => {
  const svc = (spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec });

  it('given a service with clusterIP or clusterIPs alone, mirrors it into the other', () => {
    const out = (spec: Record<string, unknown>) => {
      const s = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], ...spec } } as KObject;
      applyDefaults(s);
      return [(s.spec as { clusterIP?: string }).clusterIP, (s.spec as { clusterIPs?: string[] }).clusterIPs];
    };
    expect(out({ clusterIP: '10.96.0.9' })).toEqual(['10.96.0.9', ['10.96.0.9']]);
    expect(out({ clusterIPs: ['None'] })).toEqual(['None', ['None']]);
    expect(out({})).toEqual([undefined, undefined]);
  });

  it('given a bare service, makes it a ClusterIP service with TCP ports that target the same port', () => {
    const out = defaulted(svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] }));
    expect(out.spec).toEqual({ selector: { app: 'web' }, type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] });
    expect(out.status).toEqual({ loadBalancer: {} });
  });

  it('given a NodePort service, gives it the Cluster external traffic policy', () => {
    expect(defaulted(svc({ type: 'NodePort', ports: [{ port: 80 }] })).spec.externalTrafficPolicy).toBe('Cluster');
  });
});

describe('applyDefaults for a Node', () => {
  it('given podCIDR or podCIDRs alone, mirrors it into the other', () => {
    const out = (spec: Record<string, unknown>) => defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec } as KObject).spec;
    expect(out({ podCIDR: '10.244.1.0/24' })).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(out({ podCIDRs: ['10.244.2.0/24'] })).toEqual({ podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] });
  });
});

describe('applyDefaults for other kinds', () => {
  it('given a namespace, adds the kubernetes finalizer and makes it Active', () => {
    const ns = defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } } as KObject);
    expect(ns).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  });

  it('given a node or endpoints, changes nothing', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {} } as KObject;
    const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e', namespace: 'default' }, subsets: [] } as unknown as KObject;
    expect(defaulted(node)).toEqual(node);
    expect(defaulted(ep)).toEqual(ep);
  });

  it('property: defaulting a pod twice gives what defaulting it once gives', () => {
    const container = fc.record(
      {
        name: fc.constantFrom('a', 'b'),
        image: fc.constantFrom('nginx', 'nginx:1', 'nginx:latest', 'r:5000/x@sha256:ab'),
        imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
        ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }),
        livenessProbe: fc.record({ httpGet: fc.record({ port: fc.constant(80), path: fc.constantFrom('/', '/healthz') }, { requiredKeys: ['port'] }), periodSeconds: fc.integer({ min: 1, max: 60 }) }, { requiredKeys: ['httpGet'] }),
        resources: fc.record({ requests: fc.record({ cpu: fc.constantFrom('100m', '1') }), limits: fc.record({ cpu: fc.constantFrom('100m', '1'), memory: fc.constantFrom('64Mi', '1Gi') }) }),
      },
      { requiredKeys: ['name', 'image'] },
    );
    const spec = fc.record(
      { containers: fc.array(container, { minLength: 1, maxLength: 3 }), restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'), terminationGracePeriodSeconds: fc.nat({ max: 60 }) },
      { requiredKeys: ['containers'] },
    );
    fc.assert(
      fc.property(spec, (s) => {
        const once = defaulted(podOf(s as PodSpec));
        expect(defaulted(once)).toEqual(once);
      }),
      { numRuns: 100 },
    );
  });
});

describe('qosClass', () => {
  it('given no requests or limits anywhere, is BestEffort', () => {
    expect(qosClass(specOf(undefined, {}))).toBe('BestEffort');
  });

  it('given cpu and memory limits on every container, whose requests equal them or are left out, is Guaranteed', () => {
    expect(qosClass(specOf({ limits: { cpu: '1', memory: '1Gi' } }, { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } }))).toBe('Guaranteed');
  });

  it('given requests below limits, only requests, a limit on one resource, or a container without resources, is Burstable', () => {
    expect(qosClass(specOf({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }))).toBe('Burstable');
    expect(qosClass(specOf({ requests: { cpu: '100m' } }))).toBe('Burstable');
    expect(qosClass(specOf({ limits: { cpu: '1' } }))).toBe('Burstable');
    expect(qosClass(specOf({ limits: { cpu: '1', memory: '1Gi' } }, undefined))).toBe('Burstable');
  });

  it('given requests equal to limits but written another way (1000m and 1, 1024Mi and 1Gi, 1 and "1"), is Guaranteed', () => {
    expect(qosClass(specOf({ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(qosClass(specOf({ requests: { cpu: 1, memory: '64Mi' }, limits: { cpu: '1', memory: '64Mi' } }))).toBe('Guaranteed');
  });

  it('given only resources other than cpu and memory, or zero quantities, is BestEffort, as Kubernetes counts only non-zero cpu and memory', () => {
    expect(qosClass(specOf({ requests: { 'example.com/gpu': 1 }, limits: { 'example.com/gpu': 1 } }))).toBe('BestEffort');
    expect(qosClass(specOf({ requests: { cpu: '0', memory: '0' } }))).toBe('BestEffort');
  });
});

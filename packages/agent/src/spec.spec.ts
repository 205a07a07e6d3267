import { describe, expect, it } from 'vitest';
import { containerSpec, emptyDirs, infraSpec, podResolvConf, type SpecContext } from './spec.js';
import { podOf } from './testing/fixtures.js';

const ctx: SpecContext = { cluster: 'c1', node: 'node-a', address: '127.0.0.1', stateDir: '/var/lib/wharf/agent/node-a', pauseImage: 'wharf.local/busybox:1', network: 'wharf-c1-node-a', clusterDns: '10.96.0.10', clusterDomain: 'cluster.local' };
const RESOLV = { kind: 'bind', source: '/var/lib/wharf/agent/node-a/pods/uid-web/resolv.conf', target: '/etc/resolv.conf', readOnly: false };

describe('create specs', () => {
  it('the infra container owns hostname and the pod network, and publishes only the declared host ports, on the node address or their hostIP', () => {
    const pod = podOf('web.1', ['a', 'b']);
    pod.spec.containers[0]!.ports = [{ containerPort: 3000 }];
    pod.spec.containers[1]!.ports = [{ containerPort: 53, protocol: 'UDP', hostPort: 5353 }, { containerPort: 80, hostPort: 8080, hostIP: '127.0.0.9' }];
    const s = infraSpec(ctx, pod);
    expect(s.hostname).toBe('web.1');
    expect(s.network).toBe('wharf-c1-node-a');
    expect(s.ports).toEqual([
      { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 5353 },
      { containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.9', hostPort: 8080 },
    ]);
    expect(s.labels).toMatchObject({ 'wharf.cluster': 'c1', 'wharf.node': 'node-a', 'wharf.namespace': 'default', 'wharf.pod': 'web.1', 'wharf.pod-uid': 'uid-web.1', 'wharf.container': '_infra' });
    expect(s.name).toBe('wharf_node-a_default_web.1_uid-web._POD');
  });

  it('the one container of a pod without an infra container owns hostname and ports itself; a joining one owns neither', () => {
    const pod = podOf('web', ['a']);
    pod.spec.containers[0]!.ports = [{ containerPort: 3000, hostPort: 8080 }];
    const own = containerSpec(ctx, pod, pod.spec.containers[0]!, null, 1, 0);
    expect(own).toMatchObject({ hostname: 'web', network: 'wharf-c1-node-a', ports: [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 8080 }], name: 'wharf_node-a_default_web_uid-web_a_1' });
    expect(own.joinNetworkOf).toBeUndefined();
    const joining = containerSpec(ctx, pod, pod.spec.containers[0]!, 'infra', 1, 0);
    expect(joining).toMatchObject({ joinNetworkOf: 'infra', ports: [], mounts: [RESOLV] });
    expect(joining.hostname).toBeUndefined();
    expect(joining.network).toBeUndefined();
  });

  it('mounts the pod\'s resolv.conf by dnsPolicy: the cluster DNS for ClusterFirst, an empty file for None, none for Default', () => {
    const pod = podOf('web', ['a']);
    pod.metadata.namespace = 'shop';
    expect(podResolvConf(ctx, pod)).toBe('nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    expect(containerSpec(ctx, pod, pod.spec.containers[0]!, null, 0, 0).mounts).toEqual([RESOLV]);
    expect(podResolvConf(ctx, { ...pod, spec: { ...pod.spec, dnsPolicy: 'None' } })).toBe('');
    const host = { ...pod, spec: { ...pod.spec, dnsPolicy: 'Default' as const } };
    expect(podResolvConf(ctx, host)).toBeUndefined();
    expect(containerSpec(ctx, host, host.spec.containers[0]!, null, 0, 0).mounts).toEqual([]);
  });

  it('adds the Service variables the container does not set itself, after its own', () => {
    const pod = podOf('web', ['a']);
    pod.spec.containers[0]!.env = [{ name: 'DB_SERVICE_HOST', value: 'mine' }, { name: 'X', value: '1' }];
    const env = [{ name: 'DB_SERVICE_HOST', value: '10.96.0.5' }, { name: 'DB_SERVICE_PORT', value: '5432' }];
    expect(containerSpec(ctx, pod, pod.spec.containers[0]!, null, 0, 0, env).env).toEqual(['DB_SERVICE_HOST=mine', 'X=1', 'DB_SERVICE_PORT=5432']);
  });

  it('maps command/args onto entrypoint/cmd like Kubernetes', () => {
    const pod = podOf('p', ['a', 'b', 'c']);
    pod.spec.containers[0]!.command = ['sh', '-c'];
    pod.spec.containers[0]!.args = ['echo hi'];
    pod.spec.containers[1]!.args = ['--port', '80'];
    const [a, b, c] = pod.spec.containers.map((x) => containerSpec(ctx, pod, x, 'infra', 0, 0));
    expect([a!.entrypoint, a!.cmd]).toEqual([['sh', '-c'], ['echo hi']]);
    expect([b!.entrypoint, b!.cmd]).toEqual([undefined, ['--port', '80']]);
    expect([c!.entrypoint, c!.cmd]).toEqual([undefined, undefined]);
    expect(a!.joinNetworkOf).toBe('infra');
    expect(a!.hostname).toBeUndefined();
  });

  it('maps env, workingDir, limits, restart count and volumes', () => {
    const pod = podOf('p', ['a'], {
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }, { name: 'host', hostPath: { path: '/srv/data' } }],
    });
    Object.assign(pod.spec.containers[0]!, {
      env: [{ name: 'A', value: '1' }, { name: 'B' }],
      workingDir: '/w',
      resources: { limits: { cpu: '500m', memory: '64Mi' } },
      volumeMounts: [{ name: 'scratch', mountPath: '/s' }, { name: 'mem', mountPath: '/m' }, { name: 'host', mountPath: '/h', readOnly: true, subPath: 'x' }],
    });
    const s = containerSpec(ctx, pod, pod.spec.containers[0]!, 'infra', 3, 2);
    expect(s.env).toEqual(['A=1', 'B=']);
    expect(s.workingDir).toBe('/w');
    expect([s.nanoCpus, s.memoryBytes]).toEqual([500_000_000, 64 * 2 ** 20]);
    expect(s.labels).toMatchObject({ 'wharf.restart-count': '3', 'wharf.backoff-step': '2', 'wharf.container': 'a' });
    expect(s.name).toBe('wharf_node-a_default_p_uid-p_a_3');
    expect(s.mounts).toEqual([
      { kind: 'bind', source: '/var/lib/wharf/agent/node-a/pods/uid-p/volumes/scratch', target: '/s', readOnly: false },
      { kind: 'memory', source: 'wharf-uid-p-mem', target: '/m', readOnly: false },
      { kind: 'bind', source: '/srv/data/x', target: '/h', readOnly: true },
      { kind: 'bind', source: '/var/lib/wharf/agent/node-a/pods/uid-p/resolv.conf', target: '/etc/resolv.conf', readOnly: false },
    ]);
    expect(emptyDirs(ctx, pod)).toEqual(['/var/lib/wharf/agent/node-a/pods/uid-p/volumes/scratch']);
  });

  it('refuses a mount of an unknown volume', () => {
    const pod = podOf('p', ['a']);
    pod.spec.containers[0]!.volumeMounts = [{ name: 'nope', mountPath: '/x' }];
    expect(() => containerSpec(ctx, pod, pod.spec.containers[0]!, 'i', 0, 0)).toThrow(/names no volume/);
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './harness/api.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { eventually } from './harness/ports.js';
import { run } from './harness/exec.js';
import { assertPodRoute } from './harness/agent.js';
import { inRange } from './harness/ranges.js';

type Pod = {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: { phase: string; podIP?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; hostPorts?: { containerPort: number; hostPort: number }[]; containerStatuses?: { restartCount: number; ready: boolean }[] };
};

/** GET / of a pod at its pod IP (once it routes to a bridge of ours). */
const getPod = async (ip: string | undefined) => {
  assertPodRoute(ip!);
  return (await fetch(`http://${ip}:3000/`, { signal: AbortSignal.timeout(3000) })).text();
};

const pod = (name: string, spec: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: e2e}
spec:
${spec}`;

describe('pods run: scheduler and agents on a real Docker engine', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startCluster('e2e-pods', [{ name: 'node-a' }, { name: 'node-b', args: ['--labels', 'disk=ssd'] }, { name: 'node-c', args: ['--taints', 'dedicated=infra:NoSchedule'] }]);
  }, 120_000);
  afterAll(async () => c?.stop(), 60_000);

  const createYaml = async (yaml: string) => {
    const r = await run(process.execPath, [BIN.cli, 'create', '-f', '-'], { env: { HOME: c.api.home, WHARF_CONFIG: c.api.configPath }, input: yaml });
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  const running = (name: string) => eventually(async () => {
    const p = await c.getJson<Pod>('pod', name);
    return p.status.phase === 'Running' ? p : undefined;
  }, 30_000, 100);

  it('runs the seed microservice1 pod, which answers HTTP with its name on its pod IP', async () => {
    const r = await c.wharf('create', '-f', join(ROOT, 'examples/microservice1-pod.yaml'));
    expect(r.stdout.trim()).toBe('pod/microservice1 created');
    const p = await running('microservice1');
    expect(p.spec.nodeName).not.toBe('node-c');
    expect(inRange(c.ranges.clusterCidr, p.status.podIP!)).toBe(true);
    // Nothing declares a hostPort: nothing is published.
    expect(p.status.hostPorts).toBeUndefined();
    const body = await eventually(() => getPod(p.status.podIP), 10_000);
    expect(body.trim()).toBe('microservice1');
    const table = await c.wharf('get', 'pods');
    expect(table.stdout).toMatch(/^microservice1\s+1\/1\s+Running\s+0\s+/m);
    const scheduled = await c.wharf('get', 'pod', 'microservice1', '-o', 'wide');
    expect(scheduled.stdout).toMatch(new RegExp(`${p.status.podIP!.replace(/\./g, '\\.')}\\s+${p.spec.nodeName}`));
    // A pod of one container has no infra container: that container owns the network.
    const own = await c.docker.listContainers({ filters: { label: [`wharf.pod-uid=${p.metadata.uid}`] } });
    expect(own.map((x) => x.Labels['wharf.container'])).toEqual(['microservice1']);
    // The image EXPOSEs 3000, which Docker lists as a private port; none is published on the host.
    expect(own[0]!.Ports.filter((x) => x.PublicPort !== undefined)).toEqual([]);
    // Killed, it is restarted on the node's network again, and the status names its address now.
    await c.docker.getContainer(own[0]!.Id).kill();
    const again = await eventually(async () => {
      const x = await c.getJson<Pod>('pod', 'microservice1');
      return x.status.phase === 'Running' && x.status.containerStatuses?.[0]?.restartCount === 1 && x.status.containerStatuses[0].ready ? x : undefined;
    }, 30_000, 100);
    const body2 = await eventually(() => getPod(again.status.podIP), 10_000);
    expect(body2.trim()).toBe('microservice1');
  });

  it('keeps a pod that fits nowhere Pending, with the reason in kubectl’s words', async () => {
    await createYaml(pod('too-big', '  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]\n    resources: {requests: {cpu: "1000"}}'));
    const p = await eventually(async () => {
      const x = await c.getJson<Pod>('pod', 'too-big');
      return x.status.conditions?.find((k) => k.type === 'PodScheduled' && k.status === 'False') ? x : undefined;
    }, 20_000, 100);
    const cond = p.status.conditions!.find((k) => k.type === 'PodScheduled')!;
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toMatch(/^0\/3 nodes are available: /);
    expect(cond.message).toContain('1 node(s) had untolerated taint {dedicated: infra}');
    expect(cond.message).toContain('2 Insufficient cpu');
    expect(p.status.phase).toBe('Pending');
    expect(p.spec.nodeName).toBeUndefined();
    expect((await c.wharf('get', 'pod', 'too-big')).stdout).toMatch(/too-big\s+0\/1\s+Pending/);
  });

  it('honours nodeSelector and taints', async () => {
    await createYaml(pod('wants-ssd', '  nodeSelector: {disk: ssd}\n  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]'));
    await createYaml(pod('tolerates', '  nodeSelector: {kubernetes.io/hostname: node-c}\n  tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]\n  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]'));
    await createYaml(pod('intolerant', '  nodeSelector: {kubernetes.io/hostname: node-c}\n  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]'));
    for (let i = 0; i < 4; i++) await createYaml(pod(`spread-${i}`, '  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]'));
    expect((await running('wants-ssd')).spec.nodeName).toBe('node-b');
    expect((await running('tolerates')).spec.nodeName).toBe('node-c');
    for (let i = 0; i < 4; i++) expect((await running(`spread-${i}`)).spec.nodeName).not.toBe('node-c');
    const intolerant = await eventually(async () => {
      const x = await c.getJson<Pod>('pod', 'intolerant');
      return x.status.conditions?.find((k) => k.type === 'PodScheduled')?.message ? x : undefined;
    }, 20_000);
    expect(intolerant.spec.nodeName).toBeUndefined();
    expect(intolerant.status.conditions!.find((k) => k.type === 'PodScheduled')!.message).toMatch(/1 node\(s\) had untolerated taint \{dedicated: infra\}.*2 node\(s\) didn't match Pod's node affinity\/selector|2 node\(s\) didn't match Pod's node affinity\/selector.*1 node\(s\) had untolerated taint/);
  });

  it('deletes a pod gracefully: SIGTERM first, then the pod and its containers are gone', async () => {
    await createYaml(pod('graceful', "  terminationGracePeriodSeconds: 20\n  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sh, -c, \"trap 'echo got TERM; exit 0' TERM; echo started; while true; do sleep 0.1; done\"]"));
    const p = await running('graceful');
    await eventually(async () => (await c.wharf('logs', 'graceful')).stdout.includes('started'), 10_000);
    const t0 = Date.now();
    const del = await c.wharf('delete', 'pod', 'graceful');
    expect(del.stdout.trim()).toBe('pod "graceful" deleted');
    // Stopped by its trap, well before the 20 s grace period.
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((await c.wharf('get', 'pod', 'graceful')).code).not.toBe(0);
    // why links the agent's PodDeleted to the user's delete.
    const why = await c.wharf('why', 'pod/graceful');
    expect(why.stdout).toMatch(/pod\/graceful was deleted by system:node:\S+ from \S+ at .*: containers stopped and removed\.\n {2}because deletion of pod\/graceful was requested by user admin/);
    const left = await c.docker.listContainers({ all: true, filters: { label: [`wharf.pod-uid=${p.metadata.uid}`] } });
    expect(left).toHaveLength(0);
    // The log outlives the pod.
    const logs = await c.wharf('logs', 'graceful');
    expect(logs.stdout).toContain('got TERM');
  });

  it('streams logs with logs -f', async () => {
    await createYaml(pod('chatty', '  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sh, -c, "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done"]'));
    await running('chatty');
    const child = spawn(process.execPath, [BIN.cli, 'logs', '-f', 'chatty'], { env: { ...process.env, HOME: c.api.home, WHARF_CONFIG: c.api.configPath } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(() => /line 5\n/.test(out), 15_000);
    const seen = out.split('\n').filter(Boolean).length;
    await eventually(() => out.split('\n').filter(Boolean).length > seen + 3, 10_000);
    child.kill('SIGINT');
    expect(out).toMatch(/^line 0\nline 1\nline 2\n/);
  });

  it('maps resource limits onto the Docker container', async () => {
    await createYaml(pod('limited', '  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sleep, "3600"]\n    resources: {limits: {cpu: 250m, memory: 32Mi}}'));
    const p = await running('limited');
    const [info] = await c.docker.listContainers({ filters: { label: [`wharf.pod-uid=${p.metadata.uid}`, 'wharf.container=c'] } });
    const inspect = await c.docker.getContainer(info!.Id).inspect();
    expect(inspect.HostConfig.NanoCpus).toBe(250_000_000);
    expect(inspect.HostConfig.Memory).toBe(32 * 1024 * 1024);
  });

  it('shows a crashing container as CrashLoopBackOff', async () => {
    await createYaml(pod('crasher', '  containers:\n  - name: c\n    image: wharf.local/busybox:1\n    command: [sh, -c, "exit 1"]'));
    await eventually(async () => /crasher\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test((await c.wharf('get', 'pod', 'crasher')).stdout), 30_000, 200);
  });
});

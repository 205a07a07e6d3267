/**
 * The node agent end to end: a real nats-server, the real dockerd, and wharf-agent as a child
 * process. Pods are written to the log and the node feed as the API and the scheduler will; the
 * node relay (which wharf-api serves) runs in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { type KObject, mustKind, type Node, type Pod } from '@wharf/model';
import { EventStore, type LogLine, LogStore, NodeFeed, Objects, objectHistory, type ProxyAck, ProxyAcks, readObject, type ServedRelay, whyObject } from '@wharf/store';
import { startNats, type NatsHandle } from './harness/nats.js';
import { eventually } from './harness/ports.js';
import { assertPodRoute, clusterContainers, createBoundPod, removeClusterContainers, requestDeletion, spawnAgent, startRelay, type AgentProcess } from './harness/agent.js';

const cluster = `agent-t${process.pid}`;
const NODE = 'node-a';
const PodKind = mustKind('Pod');
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

describe('wharf-agent on real Docker', () => {
  let nats: NatsHandle;
  let store: EventStore;
  let feed: NodeFeed;
  let logs: LogStore;
  let relay: ServedRelay;
  let agent: AgentProcess;
  const agents: AgentProcess[] = [];
  /** Starts the node's agent; a restart keeps the pod CIDR (and so the network and the pods' addresses). */
  const start = () => {
    agent = spawnAgent(nats.url, cluster, NODE, [], agents.length ? { podCidr: agents[0]!.podCidr! } : {});
    agents.push(agent);
    return agent;
  };
  /** GET / of a pod at its pod IP, once it routes to a bridge of ours. */
  const get = async (ip: string, port = 3000) => {
    assertPodRoute(ip);
    return (await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(3000) })).text();
  };
  const pod = (name: string) => readObject<Pod & { metadata: { name: string } }>(store, PodKind, 'default', name);
  const status = async (name: string) => (await pod(name))?.status;
  const readAll = async (name: string, container: string, opts = {}) => {
    const out: LogLine[] = [];
    for await (const l of logs.read('default', name, container, opts)) out.push(l);
    return out;
  };

  beforeAll(async () => {
    nats = await startNats();
    store = await EventStore.connect({ natsUrl: nats.url, cluster, name: 'agent-test' });
    feed = await NodeFeed.open(store);
    logs = await LogStore.open(store);
    relay = startRelay(store);
    start();
    await eventually(() => readObject<Node & { metadata: { name: string } }>(store, mustKind('Node'), undefined, NODE), 15_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${agent.output()}`);
    });
  });

  afterAll(async () => {
    for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await removeClusterContainers(docker, cluster);
    await relay?.stop();
    await store?.close();
    await nats?.stop();
  });

  it('registers its Node with capacity, node info, labels and Ready', async () => {
    const node = await readObject<Node & { metadata: { name: string } }>(store, mustKind('Node'), undefined, NODE);
    expect(node?.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux' });
    expect(node?.status?.capacity?.pods).toBe('110');
    expect(node?.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\/\d+\.\d+\.\d+$/);
    expect(node?.status?.nodeInfo?.kubeletVersion).toBe('v1.32.0-wharf');
    expect(node?.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(node?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    const last = await store.last(store.subjects.object(mustKind('Node'), undefined, NODE));
    expect(last?.metadata.actor).toBe(`system:node:${NODE}`);
  });

  it('refuses to start a second agent for a node that a live agent holds', async () => {
    const second = spawnAgent(nats.url, cluster, NODE, [], { podCidr: agent.podCidr! });
    agents.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/wharf-agent: node node-a is held by a live agent/);
    expect(second.output().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('runs microservice1 on the node\'s pod network: GET podIP:3000 answers with the pod name, no port published', async () => {
    await createBoundPod(store, feed, NODE, 'web-1', { containers: [{ name: 'web', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000, name: 'http', protocol: 'TCP' }] }] });
    const s = await eventually(async () => {
      const st = await status('web-1');
      return st?.phase === 'Running' && st.podIP ? st : undefined;
    }, 20_000);
    expect(s.hostIP).toBe('127.0.0.1');
    const subnet = agent.podCidr!.replace(/0\/24$/, '');
    expect(s.podIP!.startsWith(subnet)).toBe(true);
    expect(s.podIPs).toEqual([{ ip: s.podIP }]);
    expect(s.hostPorts).toBeUndefined();
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(s.containerStatuses?.[0]).toMatchObject({ name: 'web', ready: true, restartCount: 0, started: true, image: 'wharf.local/microservice1:1' });
    expect(s.containerStatuses?.[0]?.containerID).toMatch(/^docker:\/\//);
    const body = await eventually(() => get(s.podIP!), 10_000);
    expect(body.trim()).toBe('web-1');
    const last = await store.last(store.subjects.object(PodKind, 'default', 'web-1'));
    expect(last).toMatchObject({ type: 'PodStatusUpdated', metadata: { actor: `system:node:${NODE}` } });
  });

  it('backs a crashing container off with growing delays (CrashLoopBackOff)', async () => {
    await createBoundPod(store, feed, NODE, 'crash-1', { containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', 'echo boom; exit 1'] }] });
    const seen = new Map<number, number>();
    let crashLoop = false;
    await eventually(async () => {
      const cs = (await status('crash-1'))?.containerStatuses?.[0];
      if (cs && !seen.has(cs.restartCount)) seen.set(cs.restartCount, Date.now());
      if (cs?.state?.waiting?.reason === 'CrashLoopBackOff') {
        crashLoop = true;
        expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
      }
      return (cs?.restartCount ?? 0) >= 3;
    }, 30_000, 50);
    expect(crashLoop).toBe(true);
    const gap1 = seen.get(2)! - seen.get(1)!;
    const gap2 = seen.get(3)! - seen.get(2)!;
    // As the kubelet: restart 1 is immediate; with base 1s the delays before restarts 2 and 3 are 1s and 2s.
    expect(gap1).toBeGreaterThan(800);
    expect(gap2).toBeGreaterThan(gap1 + 500);
    expect((await status('crash-1'))?.phase).toBe('Running');
    // Only the current and the previous instance are kept.
    const uid = (await pod('crash-1'))!.metadata.uid!;
    expect((await clusterContainers(docker, cluster, uid)).filter((c) => c.Labels['wharf.container'] === 'c').length).toBeLessThanOrEqual(2);
  });

  it('ends Never and OnFailure pods as Failed and Succeeded', async () => {
    await createBoundPod(store, feed, NODE, 'never-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', 'exit 3'] }] });
    await createBoundPod(store, feed, NODE, 'onfail-1', { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', 'exit 0'] }] });
    const never = await eventually(async () => ((await status('never-1'))?.phase === 'Failed' ? status('never-1') : undefined), 20_000);
    expect(never?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(never?.containerStatuses?.[0]?.restartCount).toBe(0);
    await eventually(async () => (await status('onfail-1'))?.phase === 'Succeeded', 20_000);
  });

  it('reports ErrImagePull then ImagePullBackOff for an image that cannot be pulled', async () => {
    await createBoundPod(store, feed, NODE, 'pull-1', { containers: [{ name: 'c', image: 'wharf.local/missing:1' }] });
    await eventually(async () => (await status('pull-1'))?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 30_000, 50);
    // The pod's history holds every status the agent wrote: ErrImagePull first, then ImagePullBackOff.
    const reasons: string[] = [];
    for await (const e of store.read(1, store.subjects.object(PodKind, 'default', 'pull-1'))) {
      const r = (e.data as Pod).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (r && reasons.at(-1) !== r) reasons.push(r);
      if (e.pending === 0) break;
    }
    expect(reasons.slice(0, 2)).toEqual(['ErrImagePull', 'ImagePullBackOff']);
    expect((await status('pull-1'))?.phase).toBe('Pending');
  });

  it('shares emptyDir (disk and Memory) volumes and the hostname between a pod\'s containers', async () => {
    const wait = (f: string) => `while [ ! -f ${f} ]; do sleep 0.1; done; cat ${f}`;
    await createBoundPod(store, feed, NODE, 'vol-1', {
      volumes: [{ name: 'disk', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } }],
      containers: [
        { name: 'writer', image: 'wharf.local/busybox:1', command: ['sh', '-c', "echo on-disk >/d/x; echo in-memory >/m/x; trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"], volumeMounts: [{ name: 'disk', mountPath: '/d' }, { name: 'mem', mountPath: '/m' }] },
        { name: 'reader', image: 'wharf.local/busybox:1', command: ['sh', '-c', `${wait('/d/x')}; ${wait('/m/x')}; hostname; grep -c ' /m tmpfs' /proc/mounts; trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done`], volumeMounts: [{ name: 'disk', mountPath: '/d' }, { name: 'mem', mountPath: '/m' }] },
      ],
    });
    const lines = await eventually(async () => {
      const l = (await readAll('vol-1', 'reader')).map((x) => x.text);
      return l.length >= 4 ? l : undefined;
    }, 20_000);
    expect(lines).toEqual(['on-disk', 'in-memory', 'vol-1', '1']);
    // A pod of two containers: an infra container owns the shared network and UTS namespaces.
    const p = await pod('vol-1');
    const names = (await clusterContainers(docker, cluster, p!.metadata.uid)).map((x) => x.Labels['wharf.container']).sort();
    expect(names).toEqual(['_infra', 'reader', 'writer']);
  });

  it('deletes a pod gracefully: SIGTERM, containers removed, PodDeleted; its logs stay readable', async () => {
    const script = "trap 'echo bye; exit 0' TERM; echo hello; echo oops >&2; while :; do sleep 1 & wait $!; done";
    const p = await createBoundPod(store, feed, NODE, 'del-1', { terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', script] }] });
    await eventually(async () => (await status('del-1'))?.phase === 'Running', 20_000);
    await eventually(async () => (await readAll('del-1', 'c')).length >= 2, 10_000);
    const t0 = Date.now();
    await requestDeletion(store, feed, NODE, 'default', 'del-1');
    await eventually(async () => (await pod('del-1')) === undefined, 20_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const last = await store.last(store.subjects.object(PodKind, 'default', 'del-1'));
    expect(last).toMatchObject({ type: 'PodDeleted', metadata: { actor: `system:node:${NODE}` } });
    expect(last?.data.metadata.uid).toBe(p.metadata.uid);
    // The agent's PodDeleted names the deletion request it acted on, so why leads back to it.
    const requested = (await objectHistory(store, PodKind, 'default', 'del-1')).find((e) => e.type === 'PodDeletionRequested')!;
    expect(last?.metadata.cause).toBe(requested.revision);
    const why = await whyObject(store, PodKind, 'default', 'del-1');
    expect(why.deletion?.map((s) => [s.type, s.actor])).toEqual([['PodDeleted', `system:node:${NODE}`], ['PodDeletionRequested', 'test']]);
    expect(why.summary.join('\n')).toContain('because deletion of pod/del-1 was requested by user test');
    expect(await clusterContainers(docker, cluster, p.metadata.uid)).toEqual([]);
    const lines = await readAll('del-1', 'c');
    // Docker copies stdout and stderr separately, so only the order within a stream is kept.
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(['hello', 'bye']);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['oops']);
    expect(lines.every((l) => l.podUid === p.metadata.uid)).toBe(true);
    expect((await readAll('del-1', 'c', { tailLines: 1 })).map((l) => l.text)).toEqual([lines.at(-1)!.text]);
    expect(await readAll('del-1', 'c', { podUid: 'someone-else' })).toEqual([]);
  });

  describe('termination ordering: SIGTERM only once no proxy routes to the pod', () => {
    const running = async (uid: string) => (await docker.listContainers({ filters: { label: [`wharf.pod-uid=${uid}`], status: ['running'] } })).length;
    /** Writes the Endpoints of Service `web` (pod IPs, port 3000) as the endpoints controller would; returns its resourceVersion. */
    const writeEndpoints = async (ips: string[]) => {
      const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: ips.map((ip) => ({ addresses: [{ ip }], ports: [{ port: 3000, protocol: 'TCP' }] })) };
      const written = await new Objects(store).change(mustKind('Endpoints'), 'default', 'web', (cur) => ({ object: (cur ? { ...cur, subsets: ep.subsets } : ep) as KObject, type: cur ? 'EndpointsUpdated' : 'EndpointsCreated' }), { actor: 'system:endpoint-controller' });
      return Number(written!.metadata.resourceVersion);
    };
    const ack = (node: string, seq: number, intervalMs = 60_000): ProxyAck => ({ node, instance: `${node}-1`, address: '127.0.0.9', seq, draining: [], time: new Date().toISOString(), intervalMs });
    const said = (pod: string, text: string) => agent.output().split('\n').findIndex((l) => l.includes(`"pod":"default/${pod}"`) && l.includes(text));
    let acks: ProxyAcks;

    beforeAll(async () => {
      acks = await ProxyAcks.open(store);
      const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 3000, nodePort: 30999, protocol: 'TCP' }] } };
      await new Objects(store).create(mustKind('Service'), svc as KObject, { actor: 'test' });
    });

    it('waits for the Endpoints to drop the pod, then for the live proxy to apply them, then stops it', async () => {
      const p = await createBoundPod(store, feed, NODE, 'drain-1', { terminationGracePeriodSeconds: 120, containers: [{ name: 'web', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000, name: 'http', protocol: 'TCP' }] }] });
      const podIP = (await eventually(async () => (await status('drain-1'))?.podIP, 20_000))!;
      const listed = await writeEndpoints([podIP]);
      await acks.put(ack('proxy-x', listed));
      await requestDeletion(store, feed, NODE, 'default', 'drain-1');
      await eventually(() => said('drain-1', 'the endpoints controller') >= 0, 20_000);
      expect(await running(p.metadata.uid!)).toBe(1);
      const dropped = await writeEndpoints([]);
      await eventually(() => said('drain-1', 'the proxies of proxy-x') >= 0, 20_000);
      expect(await running(p.metadata.uid!)).toBe(1);
      expect((await get(podIP)).trim()).toBe('drain-1');
      await acks.put(ack('proxy-x', dropped));
      await eventually(async () => (await pod('drain-1')) === undefined, 20_000);
      expect(await clusterContainers(docker, cluster, p.metadata.uid)).toEqual([]);
      const stopped = said('drain-1', 'no proxy routes to the terminating pod any more');
      expect(said('drain-1', 'the endpoints controller')).toBeLessThan(said('drain-1', 'the proxies of proxy-x'));
      expect(said('drain-1', 'the proxies of proxy-x')).toBeLessThan(stopped);
      await acks.remove('proxy-x');
    }, 60_000);

    it('stops waiting for a proxy silent for 3 of its intervals', async () => {
      const p = await createBoundPod(store, feed, NODE, 'drain-2', { terminationGracePeriodSeconds: 120, containers: [{ name: 'web', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000, name: 'http', protocol: 'TCP' }] }] });
      await eventually(async () => (await status('drain-2'))?.podIP, 20_000);
      await acks.put(ack('proxy-gone', 0, 2000));
      await requestDeletion(store, feed, NODE, 'default', 'drain-2');
      await eventually(() => said('drain-2', 'the proxies of proxy-gone') >= 0, 20_000);
      // Half the grace period is 60 s: a deletion within 30 s is the silent proxy being given up.
      await eventually(async () => (await pod('drain-2')) === undefined, 30_000);
      expect(await clusterContainers(docker, cluster, p.metadata.uid)).toEqual([]);
      expect(said('drain-2', 'half its grace period is over')).toBe(-1);
      await acks.remove('proxy-gone');
    }, 60_000);
  });

  it('follows a running container\'s log', async () => {
    await createBoundPod(store, feed, NODE, 'follow-1', { containers: [{ name: 'c', image: 'wharf.local/busybox:1', command: ['sh', '-c', "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2 & wait $!; done"] }] });
    const ac = new AbortController();
    const got: string[] = [];
    const timer = setTimeout(() => ac.abort(), 20_000);
    for await (const l of logs.read('default', 'follow-1', 'c', { follow: true, tailLines: 0 }, ac.signal)) {
      got.push(l.text);
      if (got.length === 5) ac.abort();
    }
    clearTimeout(timer);
    expect(got).toHaveLength(5);
    const n = got.map((t) => Number(t.split(' ')[1]));
    expect(n).toEqual([n[0], n[0]! + 1, n[0]! + 2, n[0]! + 3, n[0]! + 4]);
  });

  it('a SIGKILLed agent restarts, adopts its containers and removes those of pods gone meanwhile', async () => {
    const web = (await pod('web-1'))!;
    const before = (await clusterContainers(docker, cluster, web.metadata.uid)).map((c) => c.Id).sort();
    const restartsBefore = (await status('web-1'))?.containerStatuses?.[0]?.restartCount;
    const ipBefore = (await status('web-1'))?.podIP;
    const follow = (await pod('follow-1'))!;
    agent.child.kill('SIGKILL');
    await agent.exited;
    // While the agent is down, follow-1 leaves the node.
    await feed.remove(NODE, 'default', 'follow-1', Number(follow.metadata.resourceVersion) + 1000);
    const linesAtKill = (await readAll('follow-1', 'c')).length;
    start();
    await eventually(async () => (await clusterContainers(docker, cluster, follow.metadata.uid)).length === 0, 20_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${agent.output()}`);
    });
    // Give the new agent a few resync rounds: nothing of web-1 may be restarted or replaced.
    await new Promise((r) => setTimeout(r, 2000));
    const after = (await clusterContainers(docker, cluster, web.metadata.uid)).map((c) => c.Id).sort();
    expect(after).toEqual(before);
    expect(agent.output()).toMatch(/agent started/);
    const s = await status('web-1');
    expect(s?.phase).toBe('Running');
    expect(s?.containerStatuses?.[0]?.restartCount).toBe(restartsBefore);
    // The restarted agent reused its network: the pod kept its address.
    expect(s?.podIP).toBe(ipBefore);
    expect(agent.output()).toMatch(/"action":"reuse".*pod network ready/);
    expect((await get(s!.podIP!)).trim()).toBe('web-1');
    // The log was resumed, not shipped twice: ticks are unique and consecutive.
    const ticks = (await readAll('follow-1', 'c')).map((l) => Number(l.text.split(' ')[1]));
    expect(ticks.length).toBeGreaterThanOrEqual(linesAtKill);
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i));
  });
});

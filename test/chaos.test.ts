/**
 * Chaos: a whole cluster (one nats-server on a store directory, wharf-api, two wharf-reconcilers,
 * two agents on the local Docker engine and a proxy) runs a steady load of pod creates and
 * controller scales while nats-server, the API server, one reconciler and one agent are SIGKILLed
 * in turn. nats-server, the API and the agent come back with the same flags and state; the
 * reconciler does not (the other one takes its share over). Every request is retried through the
 * outages as a careful client would, and its outcome recorded. Once the load stops, the cluster
 * must converge with nothing lost (every acknowledged create and scale is there, once) and
 * nothing doubled (no second pod for a name, no pod bound twice, no stray or twin container), the
 * restarted agent must have adopted its containers, and `wharf replay --verify` must find the log
 * and the live state identical.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterContainers } from './harness/agent.js';
import { auditPods } from './harness/audit.js';
import { startCluster, type TestCluster } from './harness/cluster.js';
import { killHard } from './harness/exec.js';
import { eventually } from './harness/ports.js';
import { retrying, type Outcome } from './harness/retry.js';

type Pod = { metadata: { name: string; uid: string; deletionTimestamp?: string; ownerReferences?: { uid: string; controller?: boolean }[] }; spec: { nodeName?: string; containers: { name: string }[] }; status?: { phase?: string } };
type RC = { metadata: { name: string; uid: string }; spec: { replicas: number } };
type List<T> = { items: T[] };

const NS = '/api/v1/namespaces/default';
/** Controllers scaled by the load (0 to MAX_REPLICAS); `web` serves HTTP behind a NodePort service and keeps at least one pod. */
const RCS = ['rc-a', 'rc-b', 'web'];
/**
 * The load's pace: on this project's 2-core machines a container costs Docker about 1 s of CPU
 * to create (`docker run` measured 0.9-1.0 CPU-s), a pod two of them. A create every 700 ms and a
 * scale every second asked for more than the machine has: the load average passed 30 and a
 * restarted agent took over 30 s to load its modules. This pace keeps Docker within the machine
 * and still puts requests in flight at every kill.
 */
const CREATE_EVERY_MS = 2000;
const MAX_IN_FLIGHT = 4;
const SCALE_EVERY_MS = 2500;
const MAX_REPLICAS = 4;
/** Load between two kills, so that each outage meets requests in flight. */
const BETWEEN_KILLS_MS = 3000;
const DOWN_MS = 1000;
const PROXY = '127.0.0.7';
const RETRY = { budgetMs: 60_000, attemptTimeoutMs: 15_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busybox = { image: 'wharf.local/busybox:1', command: ['sleep', '3600'] };
const podBody = (name: string, nodeName?: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { chaos: 'load' } },
  spec: { terminationGracePeriodSeconds: 1, ...(nodeName ? { nodeSelector: { 'kubernetes.io/hostname': nodeName } } : {}), containers: [{ name: 'c', ...busybox }] },
});
const rcBody = (name: string, replicas: number) => ({
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name },
  spec: {
    replicas,
    template: {
      metadata: { labels: { app: name } },
      spec: { terminationGracePeriodSeconds: 1, containers: [name === 'web' ? { name: 'web', image: 'wharf.local/microservice1:1', ports: [{ containerPort: 3000 }] } : { name: 'c', ...busybox }] },
    },
  },
});

/** One HTTP GET through the proxy on a new connection; resolves with the body. */
function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('chaos: SIGKILL of every component in turn under load', () => {
  let c: TestCluster;
  const cluster = `chaos-${process.pid}`;
  beforeAll(async () => {
    c = await startCluster(cluster, [{ name: 'node-a', proxy: PROXY }, { name: 'node-b' }]);
    c.startReconcilers();
  }, 120_000);
  afterAll(async () => c?.stop(), 120_000);

  /** Every logical request and how it ended. */
  const creates = new Map<string, Outcome>();
  const scales: { rc: string; replicas: number; outcome: Outcome }[] = [];
  const kills: { component: string; probe: string; at: number; recoveryMs: number }[] = [];

  const create = async (name: string, nodeName?: string) => {
    const outcome = await retrying(c.api, 'POST', `${NS}/pods`, { json: podBody(name, nodeName) }, RETRY);
    creates.set(name, outcome);
    return outcome;
  };
  const scale = async (rc: string, replicas: number) => {
    // A scale contends with the controllers' status writes: a 409 is retried like an outage.
    const outcome = await retrying(c.api, 'PATCH', `${NS}/replicationcontrollers/${rc}/scale`, { json: { spec: { replicas } }, contentType: 'application/merge-patch+json' }, { ...RETRY, alsoRetry: [409] });
    scales.push({ rc, replicas, outcome });
  };
  /** A create landed when it was answered 201, or 409 on a retry (an earlier attempt landed). */
  const landed = (o: Outcome) => o.status === 201 || (o.status === 409 && o.attempts > 1);
  const list = async <T>(path: string) => {
    const o = await retrying(c.api, 'GET', path, {}, RETRY);
    if (o.status !== 200) throw new Error(`GET ${path}: ${o.status ?? 'no answer'} ${JSON.stringify(o.body)}`);
    return (o.body as List<T>).items;
  };

  /** Runs the load until `stop()`: a create every CREATE_EVERY_MS (at most MAX_IN_FLIGHT at once), and a scale every SCALE_EVERY_MS, one after another. */
  const startLoad = () => {
    let running = true;
    const inFlight = new Set<Promise<unknown>>();
    let n = 0;
    const creator = (async () => {
      while (running) {
        if (inFlight.size < MAX_IN_FLIGHT) {
          const p = create(`load-${n++}`).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await sleep(CREATE_EVERY_MS);
      }
      await Promise.all(inFlight);
    })();
    const scaler = (async () => {
      while (running) {
        const rc = RCS[Math.floor(Math.random() * RCS.length)]!;
        const least = rc === 'web' ? 1 : 0;
        await scale(rc, least + Math.floor(Math.random() * (MAX_REPLICAS + 1 - least)));
        await sleep(SCALE_EVERY_MS);
      }
    })();
    return async () => {
      running = false;
      await Promise.all([creator, scaler]);
    };
  };

  const phase = async (name: string) => (await list<Pod>(`${NS}/pods`)).find((p) => p.metadata.name === name)?.status?.phase;
  /** Kills a component, and measures the time until a pod created after the kill (pinned to `node`, if given) runs. */
  const chaos = async (component: string, kill: () => Promise<void>, node?: string) => {
    const t0 = Date.now();
    await kill();
    const probe = `probe-${component.replace(/\W+/g, '-')}`;
    const o = await create(probe, node);
    expect(landed(o), `probe ${probe}: ${o.status ?? 'no answer'} after ${o.attempts} attempts (${o.causes.join(' ')})`).toBe(true);
    await eventually(async () => (await phase(probe)) === 'Running', 60_000, 200).catch((e: Error) => {
      throw new Error(`after the kill of ${component}, ${probe} did not run: ${e.message}`);
    });
    kills.push({ component, probe, at: t0, recoveryMs: Date.now() - t0 });
    await sleep(BETWEEN_KILLS_MS);
  };

  /** What differs from a converged cluster, one line per problem. */
  const problems = async (desired: Map<string, number[]>): Promise<string[]> => {
    const [pods, rcs, containers] = await Promise.all([list<Pod>(`${NS}/pods`), list<RC>(`${NS}/replicationcontrollers`), clusterContainers(c.docker, cluster)]);
    const out: string[] = [];
    const live = new Map(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.metadata.uid, p]));
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) out.push(`pod ${p.metadata.name} is still terminating`);
      else if (p.status?.phase !== 'Running') out.push(`pod ${p.metadata.name} is ${p.status?.phase} on ${p.spec.nodeName ?? 'no node'}`);
    }
    for (const rc of rcs) {
      const owned = [...live.values()].filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rc.metadata.uid));
      if (!desired.get(rc.metadata.name)?.includes(rc.spec.replicas)) out.push(`rc ${rc.metadata.name} asks for ${rc.spec.replicas}, the last acknowledged scale (or an unanswered one after it) was ${desired.get(rc.metadata.name)?.join(' or ')}`);
      if (owned.length !== rc.spec.replicas) out.push(`rc ${rc.metadata.name} has ${owned.length} live pods, wants ${rc.spec.replicas}`);
    }
    const byContainer = new Map<string, string[]>();
    for (const x of containers) {
      const key = `${x.Labels['wharf.pod-uid']}/${x.Labels['wharf.container']}`;
      byContainer.set(key, [...(byContainer.get(key) ?? []), x.Id.slice(0, 12)]);
      const pod = live.get(x.Labels['wharf.pod-uid']!);
      if (!pod) out.push(`container ${x.Id.slice(0, 12)} (${x.Labels['wharf.pod']}/${x.Labels['wharf.container']}, ${x.State}) belongs to no live pod`);
      else if (x.State !== 'running') out.push(`container ${x.Id.slice(0, 12)} of ${pod.metadata.name} is ${x.State}`);
      else if (x.Labels['wharf.node'] !== pod.spec.nodeName) out.push(`container ${x.Id.slice(0, 12)} of ${pod.metadata.name} runs on ${x.Labels['wharf.node']}, the pod is bound to ${pod.spec.nodeName}`);
    }
    for (const [key, ids] of byContainer) if (ids.length > 1) out.push(`${ids.length} containers for ${key}: ${ids.join(' ')}`);
    for (const p of live.values()) {
      for (const name of p.spec.containers.map((x) => x.name)) if (!byContainer.has(`${p.metadata.uid}/${name}`)) out.push(`pod ${p.metadata.name} has no container ${name}`);
    }
    return out;
  };

  /** Waits until nothing differs from a converged cluster; returns what still differs when the wait runs out. */
  const converge = async (desired: Map<string, number[]>, timeoutMs: number): Promise<string[]> => {
    let left: string[] = [];
    await eventually(async () => (left = await problems(desired)).length === 0, timeoutMs, 500).catch(() => undefined);
    return left;
  };

  it('loses no acknowledged write and doubles nothing, and the log replays to the live state', async () => {
    for (const rc of RCS) expect(landed(await retrying(c.api, 'POST', `${NS}/replicationcontrollers`, { json: rcBody(rc, 2) }, RETRY))).toBe(true);
    const svc = await retrying(c.api, 'POST', `${NS}/services`, { json: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 3000 }] } } }, RETRY);
    expect(svc.status, JSON.stringify(svc.body)).toBe(201);
    const nodePort = (svc.body as { spec: { ports: { nodePort: number }[] } }).spec.ports[0]!.nodePort;
    const initial = new Map(RCS.map((rc) => [rc, [2]]));
    expect(await converge(initial, 60_000), 'the cluster before the load').toEqual([]);

    const started = Date.now();
    const stopLoad = startLoad();
    let before = new Map<string, string>();
    try {
      await sleep(BETWEEN_KILLS_MS);
      const nats = c.nats.servers[0]!;
      await chaos('nats-server', async () => {
        nats.kill();
        await sleep(DOWN_MS);
        await nats.restart();
      });
      await chaos('wharf-api', async () => {
        await c.api.kill('SIGKILL');
        await sleep(DOWN_MS);
        await c.api.restart();
      });
      await chaos('wharf-reconcilers', () => killHard(c.reconcilers[0]!));
      // The agent's containers of live pods, by pod uid and container name: the restarted agent must keep them.
      before = new Map((await clusterContainers(c.docker, cluster)).filter((x) => x.Labels['wharf.node'] === 'node-b' && x.State === 'running').map((x) => [`${x.Labels['wharf.pod-uid']}/${x.Labels['wharf.container']}`, x.Id]));
      await chaos('wharf-agent node-b', async () => {
        await killHard(c.agents.get('node-b')!.child);
        await sleep(DOWN_MS);
        await c.restartAgent('node-b');
      }, 'node-b');
    } finally {
      await stopLoad();
    }
    const loadMs = Date.now() - started;

    // Converge: the last acknowledged scale of each controller is its size (or one sent after it that got no answer).
    const desired = new Map(initial);
    for (const s of scales) {
      if (s.outcome.status === 200) desired.set(s.rc, [s.replicas]);
      else if (s.outcome.status === undefined) desired.set(s.rc, [...desired.get(s.rc)!, s.replicas]);
    }
    const convergeStart = Date.now();
    const left = await converge(desired, 60_000);
    const convergeMs = Date.now() - convergeStart;

    const audit = await auditPods(c.nats.url, cluster);
    const outcomes = [...creates.values(), ...scales.map((s) => s.outcome)];
    const retries = outcomes.reduce((n, o) => n + o.attempts - 1, 0);
    const causes = new Map<string, number>();
    for (const o of outcomes) for (const k of o.causes) causes.set(k, (causes.get(k) ?? 0) + 1);
    const unknown = [...creates].filter(([, o]) => o.status === undefined).map(([n]) => n);
    const since = (t0: number, t: number | undefined) => (t === undefined ? '?' : `+${t - t0}`);
    console.log(
      [
        `chaos: ${outcomes.length} requests in ${loadMs} ms (${creates.size} creates, ${scales.length} scales), ${[...creates.values()].filter(landed).length + scales.filter((s) => s.outcome.status === 200).length} acknowledged, ${retries} retries (${[...causes].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}), ${[...creates.values()].filter((o) => o.status === 409).length} creates that had landed on an earlier attempt (409 on a retry), ${unknown.length} unknown outcomes`,
        ...kills.map((k) => {
          const t = audit.times.get(k.probe) ?? {};
          const o = creates.get(k.probe)!;
          return `  kill -9 ${k.component}: recovered in ${k.recoveryMs} ms (a pod created ${since(k.at, t.created)} ms, bound ${since(k.at, t.bound)} ms, Running ${since(k.at, t.running)} ms after the kill; ${o.attempts} attempts${o.causes.length ? `: ${o.causes.join(' ')}` : ''})`;
        }),
        `  converged ${convergeMs} ms after the load stopped${left.length ? `, NOT: ${left.length} problems` : ''}`,
      ].join('\n'),
    );

    // Nothing was refused: every request ended acknowledged, or with no answer at all.
    expect([...creates].filter(([, o]) => o.status !== undefined && !landed(o)).map(([n, o]) => `${n}: ${o.status} ${JSON.stringify(o.body)}`)).toEqual([]);
    expect(scales.filter((s) => s.outcome.status !== undefined && s.outcome.status !== 200).map((s) => `${s.rc}=${s.replicas}: ${s.outcome.status} ${JSON.stringify(s.outcome.body)}`)).toEqual([]);
    // Converged: every controller at its last acknowledged size, every pod Running with exactly its containers.
    expect(left).toEqual([]);
    // Nothing lost: every acknowledged create exists.
    const names = new Set((await list<Pod>(`${NS}/pods`)).map((p) => p.metadata.name));
    expect([...creates].filter(([n, o]) => landed(o) && !names.has(n)).map(([n]) => n)).toEqual([]);
    // Adopted: the agent's containers that it had before its kill still run, the same ones.
    const after = new Map((await clusterContainers(c.docker, cluster)).map((x) => [`${x.Labels['wharf.pod-uid']}/${x.Labels['wharf.container']}`, x.Id]));
    const live = new Set((await list<Pod>(`${NS}/pods`)).map((p) => p.metadata.uid));
    const kept = [...before].filter(([key]) => live.has(key.split('/')[0]!));
    console.log(`  the restarted agent of node-b had ${before.size} containers before its kill; ${kept.length} of them still belong to live pods`);
    expect(kept.length, 'containers of node-b whose pods outlived the agent\'s kill').toBeGreaterThan(0);
    expect(kept.filter(([key, id]) => after.get(key) !== id).map(([key, id]) => `${key}: ${id.slice(0, 12)} became ${after.get(key)?.slice(0, 12) ?? 'nothing'}`)).toEqual([]);

    // Nothing doubled, as the log tells it: no pod created while one of its name existed, none bound twice, each acknowledged create once.
    expect(audit.createdTwice).toEqual([]);
    expect(audit.boundTwice).toEqual([]);
    expect([...creates].filter(([n, o]) => landed(o) && audit.creations.get(n) !== 1).map(([n]) => `${n}: created ${audit.creations.get(n) ?? 0} times`)).toEqual([]);

    // The proxy, which saw every outage, sends each request to a live web pod.
    const web = new Set((await list<Pod>(`${NS}/pods?labelSelector=app%3Dweb`)).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name));
    const answers: string[] = [];
    await eventually(async () => {
      answers.length = 0;
      for (let i = 0; i < 10; i++) answers.push(await get(PROXY, nodePort));
      return answers.every((a) => web.has(a));
    }, 20_000, 250).catch((e: Error) => {
      throw new Error(`the proxy did not send every request to a live web pod (${[...web].join(' ')}): ${e.message}; last answers: ${answers.join(' ')}`);
    });
    console.log(`  the proxy on node-a sent 10 requests to ${new Set(answers).size} of the ${web.size} web pods`);

    // The log replays to exactly the live state.
    const verify = await c.wharf('replay', '--verify');
    console.log(`  ${verify.stdout.trim()}`);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});

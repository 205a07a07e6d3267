import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod, Service, Stored } from '@wharf/model';
import { createLogger } from '@wharf/store';
import { PodActions } from './actions.js';
import type { KubeletDeps } from './kubelet.js';
import { INFRA, LABELS } from './labels.js';
import { plan } from './plan.js';
import { FakeRuntime } from './runtime/fake.js';
import type { CreateSpec } from './runtime/runtime.js';
import type { SpecContext } from './spec.js';
import { input, podOf } from './testing/fixtures.js';

/** A held start: `reached` resolves once the start is asked for, `release` lets it go on. */
interface Gate {
  reached: Promise<void>;
  release: () => void;
}

/**
 * The fake runtime, remembering the create spec of every container it started (which network it
 * joined), and holding the starts of chosen containers until the test releases them.
 */
class RecordingRuntime extends FakeRuntime {
  readonly specs = new Map<string, CreateSpec>();
  readonly #gates = new Map<string, { gate: Gate; arrive: () => void; go: Promise<void> }>();

  /** Holds the next start of `container` (or INFRA) of pod `pod`. */
  hold(pod: string, container: string): Gate {
    let arrive!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((r) => (arrive = r));
    const go = new Promise<void>((r) => (release = r));
    const gate = { reached, release };
    this.#gates.set(`${pod}/${container}`, { gate, arrive, go });
    return gate;
  }

  override async start(spec: CreateSpec): Promise<string> {
    const key = `${spec.labels[LABELS.pod]}/${spec.labels[LABELS.container]}`;
    const held = this.#gates.get(key);
    if (held) {
      this.#gates.delete(key);
      held.arrive();
      await held.go;
    }
    const id = await super.start(spec);
    this.specs.set(id, spec);
    return id;
  }

  /** For each app container started, the pod it belongs to and the pod whose infra container's network it joined. */
  joins(): { pod: string; container: string; joined: string | undefined }[] {
    const out = [];
    for (const spec of this.specs.values()) {
      if (spec.labels[LABELS.container] === INFRA) continue;
      const owner = spec.joinNetworkOf === undefined ? undefined : this.specs.get(spec.joinNetworkOf);
      out.push({ pod: spec.labels[LABELS.pod]!, container: spec.labels[LABELS.container]!, joined: owner?.labels[LABELS.pod] });
    }
    return out.sort((a, b) => (a.container < b.container ? -1 : 1));
  }
}

describe('PodActions: pods applied at the same time', () => {
  let stateDir: string;
  let runtime: RecordingRuntime;
  let actions: PodActions;
  /** The plan of a new pod: its infra container, then its containers joining it. */
  const planOf = (pod: Stored<Pod>) => plan(input({ pods: [{ pod }] })).pods[0]!;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'wharf-actions-'));
    runtime = new RecordingRuntime();
    const ctx: SpecContext = { cluster: 'c', node: 'node-a', address: '127.0.0.1', stateDir, pauseImage: 'wharf.local/busybox:1', clusterDns: '10.96.0.10', clusterDomain: 'cluster.local' };
    // Creating containers needs only the runtime, the spec context and a logger.
    const deps = { runtime, ctx, log: createLogger('actions-spec', 'silent') } as Pick<KubeletDeps, 'runtime' | 'ctx' | 'log'> as KubeletDeps;
    actions = new PodActions(deps, new Map(), new Set(), () => undefined);
  });

  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  const ownNetworks = [
    { pod: 'a', container: 'a1', joined: 'a' },
    { pod: 'a', container: 'a2', joined: 'a' },
    { pod: 'b', container: 'b1', joined: 'b' },
    { pod: 'b', container: 'b2', joined: 'b' },
  ];

  it("given pod a's first container is slow to start, when pod b is applied meanwhile, then each pod's containers join their own infra container", async () => {
    const slow = runtime.hold('a', 'a1');
    const a = actions.apply(planOf(podOf('a', ['a1', 'a2'])));
    await slow.reached;
    await actions.apply(planOf(podOf('b', ['b1', 'b2'])));
    slow.release();
    await a;
    expect(runtime.joins()).toEqual(ownNetworks);
  });

  it('given two pods whose infra containers start at once, when the later one comes up first, then each pod joins its own infra container', async () => {
    const infraA = runtime.hold('a', INFRA);
    const infraB = runtime.hold('b', INFRA);
    const a = actions.apply(planOf(podOf('a', ['a1', 'a2'])));
    const b = actions.apply(planOf(podOf('b', ['b1', 'b2'])));
    await Promise.all([infraA.reached, infraB.reached]);
    infraB.release();
    infraA.release();
    await Promise.all([a, b]);
    expect(runtime.joins()).toEqual(ownNetworks);
  });
});

describe('PodActions: the pod network, resolv.conf and Service variables', () => {
  let stateDir: string;
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('given a pod in shop, then its sandbox joins the node network, and its container gets the pod resolv.conf and the variables of shop\'s Services', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'wharf-actions-'));
    const runtime = new RecordingRuntime();
    await runtime.createNetwork({ name: 'wharf-c-node-a', subnet: '10.244.1.0/24', gateway: '10.244.1.1', bridge: 'wharf00000000', labels: {} });
    const ctx: SpecContext = { cluster: 'c', node: 'node-a', address: '127.0.0.1', stateDir, pauseImage: 'wharf.local/busybox:1', network: 'wharf-c-node-a', clusterDns: '10.96.0.10', clusterDomain: 'cluster.local' };
    const db: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: '10.96.0.5', ports: [{ port: 5432 }] } };
    const other: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.6', ports: [{ port: 80 }] } };
    const routing = { view: () => ({ synced: true, seq: 0, endpoints: [], acks: [] }), services: () => ({ synced: true, services: [db, other] }) };
    const deps = { runtime, ctx, routing, log: createLogger('actions-spec', 'silent') } as Pick<KubeletDeps, 'runtime' | 'ctx' | 'log' | 'routing'> as KubeletDeps;
    const pod = podOf('p', ['a', 'b']);
    pod.metadata.namespace = 'shop';
    await new PodActions(deps, new Map(), new Set(), () => undefined).apply(plan(input({ pods: [{ pod }] })).pods[0]!);
    const specs = [...runtime.specs.values()];
    const infra = specs.find((s) => s.labels[LABELS.container] === INFRA)!;
    expect(infra.network).toBe('wharf-c-node-a');
    const [infraInfo] = await runtime.list({ [LABELS.container]: INFRA });
    expect(infraInfo!.ip).toBe('10.244.1.2');
    const a = specs.find((s) => s.labels[LABELS.container] === 'a')!;
    expect(a.env).toContain('DB_SERVICE_HOST=10.96.0.5');
    expect(a.env.some((e) => e.startsWith('WEB_'))).toBe(false);
    expect(a.mounts).toContainEqual({ kind: 'bind', source: `${stateDir}/pods/uid-p/resolv.conf`, target: '/etc/resolv.conf', readOnly: false });
    expect(await readFile(`${stateDir}/pods/uid-p/resolv.conf`, 'utf8')).toBe('nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  });
});

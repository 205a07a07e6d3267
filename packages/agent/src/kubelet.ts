/**
 * The kubelet loop: follows the node feed, lists this node's containers, calls the pure `plan`
 * and applies it. Each pod's actions run in their own worker (a slow graceful stop of one pod
 * never holds up another); a pass runs on every feed change, container event, back-off expiry
 * and resync tick. A pass lists the containers afresh only when they may have changed (a
 * container event, an ended job, a timer); after a feed change or a probe verdict alone, it
 * plans again on the list it has, which spares the engine a list per status write.
 */
import type { Pod, Service, Stored } from '@wharf/model';
import { type FeedEntry, type Logger, type NodeFeed, RelayUnavailableError } from '@wharf/store';
import type { BackoffSettings, StartFailure } from './backoff.js';
import { INFRA, LABELS, nodeSelector, observe, type Observed } from './labels.js';
import { graceOf, plan, type DesiredPod, type PodPlan } from './plan.js';
import { podBackends, type RoutingView, type StopGate, stopGate, type Termination } from './drain.js';
import { PodActions } from './actions.js';
import type { LogShipper } from './logship.js';
import type { Runtime } from './runtime/runtime.js';
import type { SpecContext } from './spec.js';
import type { NodeObjects } from './relay.js';
import { StatusReporter } from './reporter.js';
import { failureKey, sandboxOf } from './views.js';
import { Prober, type ProbeSubject } from './probe/prober.js';

/** What the kubelet loop needs. */
export interface KubeletDeps {
  /** Where the kubelet writes pod status and PodDeleted: the node relay. */
  objects: NodeObjects;
  feed: NodeFeed;
  runtime: Runtime;
  shipper: LogShipper;
  ctx: SpecContext;
  backoff: BackoffSettings;
  resyncMs: number;
  log: Logger;
  /**
   * What the agent sees of routing (see drain.ts) and the Services (their variables go into
   * containers, which wait until they are read); without it, a terminating pod's containers are
   * stopped at once and containers get no Service variables. Call `Kubelet.routingChanged` when
   * it changes.
   */
  routing?: { view(): RoutingView; services(): { synced: boolean; services: Service[] } };
  /** The node's pod network: no container is created until it is ready; call `Kubelet.kick` once it is. */
  network?: { ready(): boolean };
}

/** The node agent's pod loop. */
export class Kubelet {
  readonly #pods = new Map<string, FeedEntry>();
  readonly #failures = new Map<string, StartFailure>();
  readonly #finalized = new Set<string>();
  readonly #busy = new Set<string>();
  /** Terminating pods by uid: the stop gate's memory, and what its gate said last ('open' or what it waits for). */
  readonly #terminations = new Map<string, { t: Termination; said?: string }>();
  /** True when the last pass held back some pod's stop: routing changes then ask for a pass. */
  #gated = false;
  /** True when the last pass held every start back (no pod network, or Services not read yet). */
  #held = false;
  /** Pods whose action job ended while the current pass was listing: its list is stale for them. */
  readonly #endedDuringPass = new Set<string>();
  readonly #abort = new AbortController();
  readonly #actions: PodActions;
  readonly #reporter: StatusReporter;
  readonly #prober: Prober;
  #feedSynced = false;
  #running = false;
  #again = false;
  /** The last list of this node's containers, and whether the containers may have changed since. */
  #listed: Awaited<ReturnType<Runtime['list']>> | undefined;
  #dirty = true;
  #timer: NodeJS.Timeout | undefined;
  #stopWatch: (() => void) | undefined;
  #feedDone: Promise<void> = Promise.resolve();

  constructor(readonly deps: KubeletDeps) {
    this.#actions = new PodActions(deps, this.#failures, this.#finalized, (uid) => {
      this.#reporter.forget(uid);
      this.#terminations.delete(uid);
    });
    this.#prober = new Prober({ runtime: deps.runtime, log: deps.log, onChange: () => this.kick(false) });
    this.#reporter = new StatusReporter(deps.objects, deps.ctx.node, deps.ctx.address, (id) => this.#prober.ready(id));
  }

  /** True once the feed's initial list has been seen. */
  get synced(): boolean {
    return this.#feedSynced;
  }

  /** Starts following the feed and the runtime; resolves once the initial list is in. */
  async start(): Promise<void> {
    let initial!: () => void;
    const listed = new Promise<void>((r) => (initial = r));
    this.#feedDone = this.#follow(initial);
    // Docker may announce a 'die' before inspect shows the container exited: look again shortly.
    this.#stopWatch = this.deps.runtime.watch(nodeSelector(this.deps.ctx.cluster, this.deps.ctx.node), () => {
      this.kick();
      setTimeout(() => this.kick(), 150).unref();
    });
    await listed;
  }

  async #follow(initial: () => void): Promise<void> {
    for (;;) {
      try {
        for await (const e of this.deps.feed.watch(this.deps.ctx.node, this.#abort.signal)) {
          if (e === undefined) {
            this.#feedSynced = true;
            initial();
          } else this.#accept(e);
          this.kick(false);
        }
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        this.deps.log.warn({ err: (err as Error).message }, 'node feed watch failed; watching again');
      }
      if (this.#abort.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  #accept(e: FeedEntry): void {
    const ns = e.pod ? (e.pod.metadata.namespace ?? 'default') : e.removed.namespace;
    const name = e.pod ? e.pod.metadata.name : e.removed.name;
    const key = `${ns}/${name}`;
    const have = this.#pods.get(key);
    if (!have || have.resourceVersion <= e.resourceVersion) this.#pods.set(key, e);
  }

  /** Asks for a pass soon (coalesced); `look` says the containers may have changed, so it lists them afresh. */
  kick(look = true): void {
    if (look) this.#dirty = true;
    if (this.#abort.signal.aborted) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    setImmediate(() => void this.#pass());
  }

  async #pass(): Promise<void> {
    let wakeAt: number | undefined;
    this.#endedDuringPass.clear();
    try {
      // The containers of pods whose actions are running are not acted on in this pass: the
      // runtime need not look at them afresh (which would wait for their starts to finish).
      // Events that arrive while it lists mark the list dirty again.
      let infos = this.#listed;
      if (this.#dirty || !infos) {
        this.#dirty = false;
        infos = await this.deps.runtime.list(nodeSelector(this.deps.ctx.cluster, this.deps.ctx.node), { fromCache: (l) => this.#busy.has(l[LABELS.podUid] ?? '') }).catch((e: unknown) => {
          this.#dirty = true;
          throw e;
        });
        this.#listed = infos;
      }
      const containers = infos.map(observe).filter((o): o is Observed => !!o);
      this.deps.shipper.ensure(containers);
      const pods: DesiredPod[] = [];
      for (const e of this.#pods.values()) {
        if (!e.pod) continue;
        const status = this.#reporter.known(e.pod) ?? e.pod.status;
        pods.push(status ? { pod: e.pod, status } : { pod: e.pod });
      }
      const now = Date.now();
      const serving = new Set(containers.filter((o) => o.container !== INFRA && o.info.running).map((o) => o.podUid));
      const gates = this.#stopGates(pods, serving, now);
      const startAllowed = (this.deps.network?.ready() ?? true) && (this.deps.routing?.services().synced ?? true);
      this.#held = !startAllowed;
      const p = plan({ pods, containers, feedSynced: this.#feedSynced, now, backoff: this.deps.backoff, failures: this.#failures, finalized: this.#finalized, gates, startAllowed });
      wakeAt = p.wakeAt;
      const byPod = new Map<string, Observed[]>();
      for (const o of containers) {
        const mine = byPod.get(o.podUid);
        if (mine) mine.push(o);
        else byPod.set(o.podUid, [o]);
      }
      this.#prober.sync(probeSubjects(p.pods, byPod, this.deps.ctx.address));
      // A pod whose job ended after the list was taken is planned again in the next pass (its job
      // asked for one): acting on the stale list would create its containers a second time.
      for (const pp of p.pods) if (!this.#busy.has(pp.uid) && !this.#endedDuringPass.has(pp.uid) && (pp.actions.length || pp.report)) this.#work(pp, byPod.get(pp.uid) ?? [], now);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'sync pass failed; retrying');
    } finally {
      this.#schedule(wakeAt);
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.kick(false);
      }
    }
  }

  /** Asks for a pass when routing changed and some pod's stop (or every start) waits for it. */
  routingChanged(): void {
    if (this.#gated || this.#held) this.kick(false);
  }

  /**
   * The stop gates of the terminating pods with running app containers (`serving` uids; see
   * drain.ts); logs what each one waits for whenever that changes.
   */
  #stopGates(pods: readonly DesiredPod[], serving: ReadonlySet<string>, now: number): Map<string, StopGate> {
    const gates = new Map<string, StopGate>();
    const routing = this.deps.routing;
    let view: RoutingView | undefined;
    for (const d of pods) {
      const uid = d.pod.metadata.uid ?? '';
      if (!routing || !d.pod.metadata.deletionTimestamp || !serving.has(uid)) continue;
      view ??= routing.view();
      const mem = this.#terminations.get(uid) ?? { t: { since: now } };
      const { gate, termination } = stopGate(mem.t, graceOf(d.pod), podBackends(d.status), view, now);
      mem.t = termination;
      this.#terminations.set(uid, mem);
      gates.set(uid, gate);
      const said = gate.open ? 'open' : gate.waitingFor;
      if (mem.said === said) continue;
      const fields = { pod: `${d.pod.metadata.namespace ?? 'default'}/${d.pod.metadata.name ?? ''}`, waitedMs: now - termination.since };
      if (!gate.open) this.deps.log.info({ ...fields, waitingFor: gate.waitingFor }, 'holding SIGTERM of a terminating pod until no proxy routes to it');
      else if (gate.timedOut) this.deps.log.warn({ ...fields, waitingFor: gate.waitingFor, graceSeconds: gate.graceSeconds }, 'stopping a terminating pod before every proxy dropped it: half its grace period is over');
      else if (mem.said) this.deps.log.info({ ...fields, graceSeconds: gate.graceSeconds }, 'no proxy routes to the terminating pod any more; stopping it');
      mem.said = said;
    }
    this.#gated = [...gates.values()].some((g) => !g.open);
    return gates;
  }

  /** Runs the pod's actions, or reports its status; `mine` are its containers. */
  #work(pp: PodPlan, mine: readonly Observed[], now: number): void {
    this.#busy.add(pp.uid);
    const job = pp.actions.length ? this.#actions.apply(pp) : this.#report(pp, mine, now);
    job
      // The relay logs its outage once; a later pass reports what this one could not.
      .catch((err: Error) => err instanceof RelayUnavailableError || this.deps.log.warn({ pod: `${pp.namespace}/${pp.name}`, err: err.message }, 'pod sync failed; retrying'))
      .finally(() => {
        this.#busy.delete(pp.uid);
        if (pp.actions.length) {
          if (this.#running) this.#endedDuringPass.add(pp.uid);
          this.kick();
        }
      });
  }

  async #report(pp: PodPlan, mine: readonly Observed[], now: number): Promise<void> {
    const sandbox = sandboxOf(pp.pod!, mine);
    const written = await this.#reporter.report(pp.pod!, pp.views, sandbox, now);
    // A failure reported once as ErrImagePull is reported as ImagePullBackOff from now on.
    for (const v of pp.views) {
      const f = this.#failures.get(failureKey(pp.uid, v.name));
      if (f && v.state.kind === 'failed') f.shown = true;
    }
    if (written) this.deps.log.debug({ pod: `${pp.namespace}/${pp.name}` }, 'status reported');
  }

  #schedule(wakeAt: number | undefined): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#abort.signal.aborted) return;
    const delay = Math.max(0, Math.min(this.deps.resyncMs, (wakeAt ?? Infinity) - Date.now()));
    this.#timer = setTimeout(() => this.kick(), delay + 5);
  }

  /** Stops the loop; containers keep running (a restarted agent adopts them). */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#prober.stop();
    if (this.#timer) clearTimeout(this.#timer);
    this.#stopWatch?.();
    await this.#feedDone.catch(() => undefined);
  }

  /** The pods the feed currently binds to this node. */
  pods(): Stored<Pod>[] {
    return [...this.#pods.values()].flatMap((e) => (e.pod ? [e.pod] : []));
  }
}

/** The running app containers of live pods that declare a probe. */
function probeSubjects(pods: readonly PodPlan[], byPod: ReadonlyMap<string, readonly Observed[]>, address: string): ProbeSubject[] {
  const out: ProbeSubject[] = [];
  for (const pp of pods) {
    const pod = pp.pod;
    if (!pod || pod.metadata.deletionTimestamp) continue;
    const sandbox = sandboxOf(pod, byPod.get(pp.uid) ?? []);
    for (const v of pp.views) {
      const c = pod.spec.containers.find((x) => x.name === v.name);
      const cur = v.current;
      if (!c || (!c.readinessProbe && !c.livenessProbe) || !cur?.info.running) continue;
      out.push({
        id: cur.id,
        pod: `${pp.namespace}/${pp.name}`,
        container: c,
        sandbox: sandbox?.info,
        address,
        startedAt: Date.parse(cur.info.startedAt ?? cur.info.createdAt),
        graceSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
      });
    }
  }
  return out;
}

/**
 * The service data plane of one node: a TCP listener on the node's address for every NodePort and
 * on `clusterIP:port` for every service port with a cluster IP, each connection forwarded to the
 * next ready backend of its service port. `apply` swaps in new routes (the listener set follows
 * the diff); connections already forwarded are never touched by it. It counts the open
 * connections of each backend, so that it can say which removed backends it still drains (what
 * the proxy acknowledges to the agents, with the sequence it applied).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { getObject, type Ipv4Cidr, listObjects, type State } from '@wharf/model';
import type { Logger } from '@wharf/store';
import { attemptOrder, connected, expireSticky, newBalancerState, type Backend, type BalancerState } from './balancer.js';
import { forward, reset, type ForwardOptions } from './forward.js';
import { diffListeners } from './listeners.js';
import { clusterIPsOutside, desiredRoutes, type Route } from './routes.js';

/** How to run the data plane. */
export interface ProxyOptions extends ForwardOptions {
  /** The node's address: NodePorts listen here. */
  address: string;
  /** Cluster IPs inside this range are listened on (they must be local: see LocalRange); none without it. */
  serviceCidr?: Ipv4Cidr | undefined;
  log: Logger;
  /** Retry a listener that failed to bind after this many ms. */
  rebindMs?: number;
  /** Called when the set of draining backends (see `draining`) changes. */
  onDrainChange?: () => void;
  /** Called when a cluster IP could not be bound because it is not local (EADDRNOTAVAIL), before the retry. */
  onAddressMissing?: () => void;
}

/** Listeners and routes of one node. */
export class ServiceProxy {
  /** Routes by listener key (`address:port`). */
  #routes = new Map<string, Route>();
  #balancers = new Map<string, BalancerState>();
  #servers = new Map<string, Server>();
  /** Listeners whose last bind failed, with the error code logged for them (logged once per code). */
  #failed = new Map<string, string>();
  /** Cluster IPs outside the service CIDR already warned about. */
  #outside = new Set<string>();
  /** Open backend connections by backend key (entries with none are dropped). */
  #conns = new Map<string, { backend: Backend; count: number }>();
  /** The keys of every backend some route lists now. */
  #routed = new Set<string>();
  #seq = 0;
  /** The state applied last: a listener that failed to bind is retried with the newest one. */
  #state: State | undefined;
  #retry: NodeJS.Timeout | undefined;
  #sweeper: NodeJS.Timeout;
  #stopped = false;

  constructor(readonly opts: ProxyOptions) {
    this.#sweeper = setInterval(() => {
      const now = Date.now();
      for (const b of this.#balancers.values()) expireSticky(b, now);
    }, 60_000);
    this.#sweeper.unref();
  }

  /** The listener keys (`address:port`) listened on or being bound now, sorted. */
  get listeners(): string[] {
    return [...this.#servers.keys()].sort();
  }

  /** The sequence of the last Service or Endpoints event of the state applied last (0 before any). */
  get seq(): number {
    return this.#seq;
  }

  /** Backends no route lists any more that still have open connections through this proxy, sorted by key. */
  draining(): Backend[] {
    const out: Backend[] = [];
    for (const [key, o] of this.#conns) if (!this.#routed.has(key)) out.push(o.backend);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The current route of a listener key (`listenerKey(address, port)`). */
  route(key: string): Route | undefined {
    return this.#routes.get(key);
  }

  /** Makes the listeners and routes match the Services and Endpoints of `state`. */
  apply(state: State): void {
    if (this.#stopped) return;
    this.#state = state;
    const services = listObjects(state, 'Service');
    const routes = desiredRoutes(services, (ns, name) => getObject(state, 'Endpoints', ns, name), { nodeAddress: this.opts.address, serviceCidr: this.opts.serviceCidr });
    if (this.opts.serviceCidr) this.#warnOutside(clusterIPsOutside(services, this.opts.serviceCidr));
    this.#routes = routes;
    const before = drainKeys(this.draining());
    this.#routed = new Set([...routes.values()].flatMap((r) => r.backends.map((b) => b.key)));
    this.#seq = state.seq;
    if (drainKeys(this.draining()) !== before) this.opts.onDrainChange?.();
    const ids = new Set([...routes.values()].map((r) => r.id));
    for (const id of this.#balancers.keys()) if (!ids.has(id)) this.#balancers.delete(id);
    const diff = diffListeners(routes.keys(), this.#servers.keys());
    for (const key of diff.close) this.#close(key);
    for (const key of [...this.#failed.keys()]) if (!routes.has(key)) this.#failed.delete(key);
    for (const key of diff.open) this.#open(key, routes.get(key)!);
  }

  #warnOutside(ips: string[]): void {
    for (const ip of ips) {
      if (this.#outside.has(ip)) continue;
      this.#outside.add(ip);
      this.opts.log.warn({ clusterIP: ip }, 'cluster IP outside --service-cidr: not served (does wharf-api use another --service-cluster-ip-range?)');
    }
  }

  #open(key: string, route: Route): void {
    const { kind, address, port } = route;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (s) => this.#accept(key, s));
    this.#servers.set(key, server);
    server.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      const fields = { kind, address, port, err: err.message };
      if (this.#failed.get(key) === code) this.opts.log.debug(fields, `cannot listen on the ${kind} yet; retrying`);
      else this.opts.log.error(fields, `cannot listen on the ${kind}; retrying every ${this.opts.rebindMs ?? 5000} ms`);
      this.#failed.set(key, code);
      if (this.#servers.get(key) === server) this.#servers.delete(key);
      server.close();
      if (code === 'EADDRNOTAVAIL' && kind === 'ClusterIP') this.opts.onAddressMissing?.();
      this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        if (this.#state) this.apply(this.#state);
      }, this.opts.rebindMs ?? 5000);
    });
    server.listen({ host: address, port, backlog: 1024 }, () => {
      const retried = this.#failed.delete(key);
      this.opts.log.info({ address, port, ...(retried ? { retried } : {}) }, `listening on ${kind}`);
    });
  }

  #close(key: string): void {
    const server = this.#servers.get(key);
    this.#servers.delete(key);
    // Stops accepting; connections already forwarded carry on.
    server?.close();
    this.opts.log.info({ listener: key }, 'closed listener');
  }

  #accept(key: string, client: Socket): void {
    const route = this.#routes.get(key);
    if (!route || route.backends.length === 0) {
      // No ready endpoint: refuse at once rather than leave the client hanging.
      client.on('error', () => undefined);
      reset(client);
      return;
    }
    let state = this.#balancers.get(route.id);
    if (!state) this.#balancers.set(route.id, (state = newBalancerState()));
    // The peer address costs a syscall: only affinity needs it.
    const ip = route.affinityMs === undefined ? '' : (client.remoteAddress ?? '');
    const order = attemptOrder(route, state, ip, Date.now());
    const st = state;
    forward(client, order, this.opts, (b) => connected(route, st, ip, b, Date.now()), (b) => this.#opened(b));
  }

  /** Counts a backend connection; the function returned uncounts it when it closes. */
  #opened(b: Backend): () => void {
    const o = this.#conns.get(b.key) ?? { backend: b, count: 0 };
    o.count++;
    this.#conns.set(b.key, o);
    return () => {
      if (--o.count > 0) return;
      this.#conns.delete(b.key);
      if (!this.#routed.has(b.key)) this.opts.onDrainChange?.();
    };
  }

  /** Closes every listener (established connections are left to finish). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweeper);
    if (this.#retry) clearTimeout(this.#retry);
    for (const s of this.#servers.values()) s.close();
    this.#servers.clear();
    await Promise.resolve();
  }
}

function drainKeys(bs: readonly Backend[]): string {
  return bs.map((b) => b.key).join(',');
}

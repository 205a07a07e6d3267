/**
 * The NodePort data plane of one node: a TCP listener on ADDR for every NodePort, each connection
 * forwarded to the next ready backend of its service port. `apply` swaps in new routes (the
 * listener set follows the diff); connections already forwarded are never touched by it. It
 * counts the open connections of each backend, so that it can say which removed backends it
 * still drains (what the proxy acknowledges to the agents, with the sequence it applied).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { getObject, listObjects, type State } from '@wharf/model';
import type { Logger } from '@wharf/store';
import { attemptOrder, connected, expireSticky, newBalancerState, type Backend, type BalancerState } from './balancer.js';
import { forward, reset, type ForwardOptions } from './forward.js';
import { diffListeners } from './listeners.js';
import { desiredRoutes, type Route } from './routes.js';

/** How to run the data plane. */
export interface ProxyOptions extends ForwardOptions {
  address: string;
  log: Logger;
  /** Retry a NodePort that failed to bind after this many ms. */
  rebindMs?: number;
  /** Called when the set of draining backends (see `draining`) changes. */
  onDrainChange?: () => void;
}

/** Listeners and routes of one node. */
export class NodePortProxy {
  #routes = new Map<number, Route>();
  #balancers = new Map<string, BalancerState>();
  #servers = new Map<number, Server>();
  /** Open backend connections by backend key (entries with none are dropped). */
  #conns = new Map<string, { backend: Backend; count: number }>();
  /** The keys of every backend some route lists now. */
  #routed = new Set<string>();
  #seq = 0;
  /** The state applied last: a NodePort that failed to bind is retried with the newest one. */
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

  /** The NodePorts listened on now. */
  get ports(): number[] {
    return [...this.#servers.keys()].sort((a, b) => a - b);
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

  /** The current route of a NodePort. */
  route(port: number): Route | undefined {
    return this.#routes.get(port);
  }

  /** Makes the listeners and routes match the Services and Endpoints of `state`. */
  apply(state: State): void {
    if (this.#stopped) return;
    this.#state = state;
    const routes = desiredRoutes(listObjects(state, 'Service'), (ns, name) => getObject(state, 'Endpoints', ns, name));
    this.#routes = routes;
    const before = drainKeys(this.draining());
    this.#routed = new Set([...routes.values()].flatMap((r) => r.backends.map((b) => b.key)));
    this.#seq = state.seq;
    if (drainKeys(this.draining()) !== before) this.opts.onDrainChange?.();
    const ids = new Set([...routes.values()].map((r) => r.id));
    for (const id of this.#balancers.keys()) if (!ids.has(id)) this.#balancers.delete(id);
    const diff = diffListeners(routes.keys(), this.#servers.keys());
    for (const port of diff.close) this.#close(port);
    for (const port of diff.open) this.#open(port);
  }

  #open(port: number): void {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (s) => this.#accept(port, s));
    this.#servers.set(port, server);
    server.on('error', (err) => {
      this.opts.log.error({ port, err: err.message }, 'cannot listen on the NodePort; retrying later');
      if (this.#servers.get(port) === server) this.#servers.delete(port);
      server.close();
      this.#retry ??= setTimeout(() => {
        this.#retry = undefined;
        if (this.#state) this.apply(this.#state);
      }, this.opts.rebindMs ?? 5000);
    });
    server.listen({ host: this.opts.address, port, backlog: 1024 }, () => this.opts.log.info({ port, address: this.opts.address }, 'listening on NodePort'));
  }

  #close(port: number): void {
    const server = this.#servers.get(port);
    this.#servers.delete(port);
    // Stops accepting; connections already forwarded carry on.
    server?.close();
    this.opts.log.info({ port }, 'closed NodePort');
  }

  #accept(port: number, client: Socket): void {
    const route = this.#routes.get(port);
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

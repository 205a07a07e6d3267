/**
 * Round-robin with failover and ClientIP affinity. Deterministic and free of I/O: time comes in
 * as `now`, and the only thing a call changes is the BalancerState it is given (a cursor and the
 * sticky table), which the proxy keeps per service port across endpoint changes.
 */

/** One ready endpoint: `host:port` of a pod's published port on its node. */
export interface Backend {
  host: string;
  port: number;
  /** `host:port`, the identity used by the sticky table. */
  key: string;
}

/** The backends of one service port, sorted, and its affinity setting. */
export interface Pool {
  backends: readonly Backend[];
  /** ClientIP affinity timeout in ms; undefined for none. */
  affinityMs?: number;
}

/** Per service port: the round-robin cursor and, with affinity, client IP → backend until a time. */
export interface BalancerState {
  cursor: number;
  sticky: Map<string, { key: string; until: number }>;
}

/** A fresh state. */
export function newBalancerState(): BalancerState {
  return { cursor: 0, sticky: new Map() };
}

/** Makes a Backend. */
export function backend(host: string, port: number): Backend {
  return { host, port, key: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

/**
 * The order in which to try backends for a new connection from `client`: its sticky backend
 * first (with affinity, while it lasts and is still in the pool), else the next in round-robin
 * order; then every other backend in round-robin order after it (failover). Advances the cursor
 * by one for a round-robin choice. Empty when the pool is.
 */
export function attemptOrder(pool: Pool, state: BalancerState, client: string, now: number): Backend[] {
  const list = pool.backends;
  const n = list.length;
  if (n === 0) return [];
  let first = -1;
  if (pool.affinityMs !== undefined) {
    const s = state.sticky.get(client);
    if (s && s.until > now) first = list.findIndex((b) => b.key === s.key);
    else if (s) state.sticky.delete(client);
  }
  if (first < 0) {
    first = state.cursor % n;
    state.cursor = (first + 1) % n;
  }
  if (n === 1) return [list[0]!];
  const order = new Array<Backend>(n);
  for (let i = 0; i < n; i++) order[i] = list[(first + i) % n]!;
  return order;
}

/** Records that `client` got `chosen` (affinity only): it sticks for the timeout from `now`. */
export function connected(pool: Pool, state: BalancerState, client: string, chosen: Backend, now: number): void {
  if (pool.affinityMs === undefined) return;
  state.sticky.set(client, { key: chosen.key, until: now + pool.affinityMs });
}

/** Drops expired sticky entries (call now and then, e.g. once a minute). */
export function expireSticky(state: BalancerState, now: number): void {
  for (const [client, s] of state.sticky) if (s.until <= now) state.sticky.delete(client);
}

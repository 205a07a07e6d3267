/**
 * Heartbeats: the agent puts `{node, instance, time, address, intervalMs}` under its node's key
 * in the cluster's heartbeat KV bucket (history 1, outside the event log) every interval. At
 * start-up it refuses a node name that another live instance holds: one whose heartbeat is fresh
 * (within 3 intervals) and still moving. Every write is a compare-and-set on the key's revision,
 * so two agents can never both believe they hold the name.
 */
import type { KV } from '@nats-io/kv';
import { encodeToken } from '@wharf/model';
import { ensureBucket, type EventStore, StartupError } from '@wharf/store';

/** One heartbeat. */
export interface HeartbeatValue {
  node: string;
  instance: string;
  time: string;
  address: string;
  intervalMs: number;
}

/** True when `hb` is recent enough (3 intervals) that its agent may be alive. */
export function isFresh(hb: HeartbeatValue, now: number, intervalMs: number): boolean {
  return now - Date.parse(hb.time) < 3 * Math.max(intervalMs, hb.intervalMs ?? 0);
}

/** Opens (creating if needed) the cluster's heartbeat bucket. */
export async function heartbeatBucket(store: EventStore): Promise<KV> {
  return ensureBucket(store, store.subjects.heartbeatBucket);
}

/** The agent's heartbeat on its node's key. */
export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #revision = 0;

  private constructor(readonly kv: KV, readonly key: string, readonly value: Omit<HeartbeatValue, 'time'>, readonly onLost: (by: string) => void) {}

  /**
   * Claims the node name and starts beating. Throws StartupError when another live instance
   * holds it. `onLost` is called if another instance takes the key over later.
   */
  static async claim(store: EventStore, value: Omit<HeartbeatValue, 'time'>, onLost: (by: string) => void): Promise<Heartbeat> {
    const kv = await heartbeatBucket(store);
    const hb = new Heartbeat(kv, encodeToken(value.node), value, onLost);
    await hb.#claim();
    hb.#timer = setInterval(() => void hb.beat(), value.intervalMs);
    return hb;
  }

  async #claim(): Promise<void> {
    let e = await this.kv.get(this.key);
    let cur = e && e.operation === 'PUT' ? e.json<HeartbeatValue>() : undefined;
    if (cur && cur.instance !== this.value.instance && isFresh(cur, Date.now(), this.value.intervalMs)) {
      // A fresh heartbeat may be a crashed agent's last one: see whether it still moves.
      const wait = 1.5 * Math.max(this.value.intervalMs, cur.intervalMs ?? 0);
      const deadline = Date.now() + wait;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(100, wait)));
        const again = await this.kv.get(this.key);
        if (again && e && again.revision !== e.revision) {
          const by = again.json<HeartbeatValue>();
          throw new StartupError(`node ${this.value.node} is held by a live agent (instance ${by.instance} at ${by.address}, heartbeat ${by.time}): stop it first or choose another --node`);
        }
      }
      e = await this.kv.get(this.key);
      cur = e && e.operation === 'PUT' ? e.json<HeartbeatValue>() : undefined;
    }
    const body = JSON.stringify({ ...this.value, time: new Date().toISOString() } satisfies HeartbeatValue);
    try {
      this.#revision = e ? await this.kv.update(this.key, body, e.revision) : await this.kv.create(this.key, body);
    } catch {
      throw new StartupError(`node ${this.value.node} was claimed by another agent at the same moment: stop it first or choose another --node`);
    }
  }

  /** Writes one heartbeat now; calls onLost if another instance took the key over. */
  async beat(): Promise<void> {
    const body = JSON.stringify({ ...this.value, time: new Date().toISOString() } satisfies HeartbeatValue);
    try {
      this.#revision = await this.kv.update(this.key, body, this.#revision);
    } catch (err) {
      const e = await this.kv.get(this.key).catch(() => null);
      const other = e && e.operation === 'PUT' ? e.json<HeartbeatValue>() : undefined;
      if (other && other.instance !== this.value.instance) {
        this.stop();
        this.onLost(other.instance);
      } else if (e) this.#revision = e.revision; // e.g. a write that timed out but landed
      void err;
    }
  }

  /** Stops beating; with `release`, deletes the key so that a successor can start at once. */
  async close(release = true): Promise<void> {
    this.stop();
    if (release) await this.kv.delete(this.key, { previousSeq: this.#revision }).catch(() => undefined);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

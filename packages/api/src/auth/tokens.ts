/**
 * Bearer tokens. Only SHA-256 hashes are stored, in the cluster's auth KV bucket, so every API
 * server of a cluster accepts the same tokens. On the very first start an admin token is made
 * and handed to the CLI through its config file.
 */
import * as crypto from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { EventStore } from '@wharf/store';

/** Who a token authenticates. */
export interface TokenUser {
  user: string;
  groups: string[];
  created: string;
}

// The one-shot crypto.hash (Node >= 20.12) makes no Hash stream object per request; which one
// this Node has is decided once, not per request.
const hash: (token: string) => string =
  typeof crypto.hash === 'function' ? (token) => crypto.hash('sha256', token) : (token) => crypto.createHash('sha256').update(token).digest('hex');

/** The token table, cached in memory and kept current by a KV watch. */
export class Tokens {
  #cache = new Map<string, TokenUser>();
  #stop: (() => void) | undefined;

  private constructor(readonly kv: KV) {}

  /** Opens the cluster's auth bucket and loads every token hash. */
  static async open(store: EventStore, replicas = 1): Promise<Tokens> {
    const kv = await new Kvm(store.nc).create(store.subjects.authBucket, { history: 1, replicas });
    const t = new Tokens(kv);
    await t.#load();
    return t;
  }

  async #load(): Promise<void> {
    const it = await this.kv.watch({ key: 'token.>' });
    this.#stop = () => it.stop();
    let ready: () => void = () => undefined;
    const loaded = new Promise<void>((r) => (ready = r));
    const status = await this.kv.status();
    if (status.values === 0) ready();
    void (async () => {
      for await (const e of it) {
        const h = e.key.slice('token.'.length);
        if (e.operation === 'PUT') this.#cache.set(h, e.json<TokenUser>());
        else this.#cache.delete(h);
        if (e.delta === 0) ready();
      }
    })();
    await loaded;
  }

  /** The user of a token, or undefined. */
  lookup(token: string): TokenUser | undefined {
    // Keyed by SHA-256 of the token: a lookup leaks nothing about stored tokens' bytes.
    return this.#cache.get(hash(token));
  }

  /** True when no token exists yet (a brand-new cluster). */
  get empty(): boolean {
    return this.#cache.size === 0;
  }

  /**
   * Creates a token for `user`. With `onlyIfFirst`, it succeeds only if the bucket has no admin
   * yet (so two API servers starting together make one admin token); returns undefined then.
   */
  async create(user: string, groups: string[], onlyIfFirst = false): Promise<string | undefined> {
    const token = crypto.randomBytes(32).toString('base64url');
    const value = JSON.stringify({ user, groups, created: new Date().toISOString() } satisfies TokenUser);
    if (onlyIfFirst) {
      try {
        await this.kv.create('bootstrap', new Date().toISOString());
      } catch {
        return undefined;
      }
    }
    await this.kv.put(`token.${hash(token)}`, value);
    this.#cache.set(hash(token), JSON.parse(value) as TokenUser);
    return token;
  }

  /** Stops watching. */
  close(): void {
    this.#stop?.();
  }
}

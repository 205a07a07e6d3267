/**
 * Bearer tokens. Only SHA-256 hashes are stored, in the cluster's auth KV bucket (key
 * `token.<hash>`), so every API server of a cluster accepts the same tokens. A token is
 * `<id>.<secret>` (kubeadm's form, `[a-z0-9]{6}.[a-z0-9]{16}`) and its record keeps the public id;
 * records from before that form have no id and keep the first 12 hex digits of their hash. On the
 * very first start an admin token (group system:masters, no expiry) is made and handed to the CLI
 * through its config file. The bindings of the bucket are kept next to the tokens (bindings.ts).
 */
import * as crypto from 'node:crypto';
import type { KV } from '@nats-io/kv';
import { identityOf, type TokenType, type UserInfo } from '@wharf/model';
import { ensureBucket, type EventStore } from '@wharf/store';
import { Bindings } from './bindings.js';
import { mirrorKeys } from './kvwatch.js';

/** Who a token authenticates, and until when. Records from before expiry existed have none. */
export interface TokenUser {
  id: string;
  type: TokenType;
  description?: string;
  user: string;
  groups: string[];
  created: string;
  /** RFC 3339; absent: never expires. */
  expires?: string;
  /** `expires` in ms since the epoch (Infinity when absent), parsed once. */
  expiresMs: number;
  /** The user as the authorizer sees it: its groups plus system:authenticated, made once. */
  identity: UserInfo;
}

/** What a new token is for. `ttlSeconds` 0 or absent: it never expires. */
export interface NewToken {
  type?: TokenType | undefined;
  description?: string | undefined;
  user: string | ((id: string) => string);
  groups: string[];
  ttlSeconds?: number | undefined;
}

// The one-shot crypto.hash (Node >= 20.12) makes no Hash stream object per request; which one
// this Node has is decided once, not per request.
const hash: (token: string) => string =
  typeof crypto.hash === 'function' ? (token) => crypto.hash('sha256', token) : (token) => crypto.createHash('sha256').update(token).digest('hex');

/** The id length of records from before the `<id>.<secret>` form: a prefix of the hash. */
const LEGACY_ID_LENGTH = 12;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters of [a-z0-9], each uniformly random (crypto.randomInt rejects the modulo bias). */
function randomPart(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return out;
}

function parseRecord(h: string, value: unknown): TokenUser | undefined {
  const v = value as Partial<TokenUser> | null;
  if (typeof v?.user !== 'string') return undefined;
  // Records without groups (none were ever written, but a hand-made one) get none: no role.
  const groups = Array.isArray(v.groups) ? v.groups.filter((g): g is string => typeof g === 'string') : [];
  const expires = typeof v.expires === 'string' ? v.expires : undefined;
  const expiresMs = expires === undefined ? Infinity : Date.parse(expires);
  const description = typeof v.description === 'string' ? v.description : undefined;
  return {
    id: typeof v.id === 'string' ? v.id : h.slice(0, LEGACY_ID_LENGTH),
    type: v.type === 'bootstrap' ? 'bootstrap' : 'api',
    ...(description !== undefined ? { description } : {}),
    user: v.user,
    groups,
    created: String(v.created ?? ''),
    ...(expires ? { expires } : {}),
    expiresMs: Number.isNaN(expiresMs) ? 0 : expiresMs,
    identity: identityOf(v.user, groups),
  };
}

/** The token table and the bindings, cached in memory and kept current by KV watches. */
export class Tokens {
  #cache = new Map<string, TokenUser>();
  #stop: (() => void) | undefined;

  private constructor(
    readonly kv: KV,
    readonly bindings: Bindings,
  ) {}

  /** Opens the cluster's auth bucket and loads every token hash and binding. */
  static async open(store: EventStore): Promise<Tokens> {
    const kv = await ensureBucket(store, store.subjects.authBucket);
    const t = new Tokens(kv, await Bindings.open(kv));
    t.#stop = await mirrorKeys(kv, 'token', {
      put: (h, e) => {
        const u = parseRecord(h, e.json());
        if (u) t.#cache.set(h, u);
        else t.#cache.delete(h);
      },
      remove: (h) => t.#cache.delete(h),
    });
    return t;
  }

  /** The user of a token (expired or not: the caller tells them apart by `expiresMs`), or undefined. */
  lookup(token: string): TokenUser | undefined {
    // Keyed by SHA-256 of the token: a lookup leaks nothing about stored tokens' bytes.
    return this.#cache.get(hash(token));
  }

  /** True when no token exists yet (a brand-new cluster). */
  get empty(): boolean {
    return this.#cache.size === 0;
  }

  /** Every token, oldest first. */
  list(): TokenUser[] {
    return [...this.#cache.values()].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  }

  /** The token with this id, or undefined. */
  byId(id: string): TokenUser | undefined {
    return this.#entryOf(id)?.[1];
  }

  #entryOf(id: string): [string, TokenUser] | undefined {
    if (id === '') return undefined;
    for (const e of this.#cache) if (e[1].id === id) return e;
    return undefined;
  }

  /**
   * Creates a token; returns it (the only time it is ever shown) with its record. With
   * `onlyIfFirst`, it succeeds only if the bucket never had an admin (so two API servers starting
   * together make one admin token); returns undefined then.
   */
  async create(t: NewToken, onlyIfFirst = false): Promise<{ token: string; info: TokenUser } | undefined> {
    // 36^6 ids: a clash with a live token is rare, and a new id is drawn then.
    let id = randomPart(6);
    while (this.byId(id)) id = randomPart(6);
    const token = `${id}.${randomPart(16)}`;
    const h = hash(token);
    const now = new Date();
    const expires = t.ttlSeconds ? new Date(now.getTime() + t.ttlSeconds * 1000).toISOString() : undefined;
    const user = typeof t.user === 'function' ? t.user(id) : t.user;
    const record = { id, type: t.type ?? 'api', ...(t.description ? { description: t.description } : {}), user, groups: t.groups, created: now.toISOString(), ...(expires ? { expires } : {}) };
    const value = JSON.stringify(record);
    if (onlyIfFirst) {
      try {
        await this.kv.create('bootstrap', now.toISOString());
      } catch {
        return undefined;
      }
    }
    await this.kv.put(`token.${h}`, value);
    const info = parseRecord(h, JSON.parse(value))!;
    this.#cache.set(h, info);
    return { token, info };
  }

  /** Deletes the token with this id; false when there is none. */
  async delete(id: string): Promise<boolean> {
    const h = this.#entryOf(id)?.[0];
    if (!h) return false;
    await this.kv.delete(`token.${h}`);
    this.#cache.delete(h);
    return true;
  }

  /** Stops watching. */
  close(): void {
    this.#stop?.();
    this.bindings.close();
  }
}

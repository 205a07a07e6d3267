/**
 * A cluster's NATS identity in NATS' decentralized JWT model: an operator that the servers trust,
 * a system account (for pushing account updates), and one account for the cluster whose users are
 * the components. Users are minted here with the permissions of permissions.ts; revoking one is a
 * new account JWT with the user's key in its revocation list, pushed to the servers.
 *
 * The seeds are the control plane's secrets: `wharf init` keeps them in files only root can read
 * on the control-plane machine, never in NATS.
 */
import { decode, encodeAccount, encodeOperator, encodeUser, fmtCreds, type User } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, fromPublic, fromSeed, type KeyPair } from '@nats-io/nkeys';
import type { Subjects } from '@wharf/model';
import { isNodeRole, type NatsRole, permissionsFor } from './permissions.js';

/** The seeds of a cluster's operator and accounts (nkey seeds as text). */
export interface NatsIdentitySeeds {
  operator: string;
  systemAccount: string;
  account: string;
}

/** Revoked user keys and when (unix seconds): JWTs issued before that time are refused. */
export type Revocations = Record<string, number>;

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Makes a new operator, system account and cluster account. */
export function newIdentitySeeds(): NatsIdentitySeeds {
  return { operator: text(createOperator().getSeed()), systemAccount: text(createAccount().getSeed()), account: text(createAccount().getSeed()) };
}

/** A user to mint: the component, its node (agent and proxy), and its public nkey (made here when absent). */
export interface NewUser {
  role: NatsRole;
  node?: string;
  /** The user's public nkey (`U...`), when the user made its own key (a joining node does). */
  publicKey?: string;
}

/** The cluster's NATS identity, able to mint JWTs. */
export class NatsIdentity {
  readonly #operator: KeyPair;
  readonly #system: KeyPair;
  readonly #account: KeyPair;

  constructor(
    readonly seeds: NatsIdentitySeeds,
    readonly subjects: Subjects,
  ) {
    const enc = new TextEncoder();
    this.#operator = fromSeed(enc.encode(seeds.operator));
    this.#system = fromSeed(enc.encode(seeds.systemAccount));
    this.#account = fromSeed(enc.encode(seeds.account));
  }

  /** The cluster account's public key (what servers and users name it by). */
  get accountKey(): string {
    return this.#account.getPublicKey();
  }

  /** The system account's public key. */
  get systemAccountKey(): string {
    return this.#system.getPublicKey();
  }

  /** The operator JWT the servers trust. */
  operatorJwt(): Promise<string> {
    return encodeOperator(`wharf-${this.subjects.cluster}`, this.#operator, { system_account: this.#system.getPublicKey() });
  }

  /** The system account's JWT. */
  systemAccountJwt(): Promise<string> {
    return encodeAccount('SYS', this.#system, { limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 } }, { signer: this.#operator });
  }

  /** The cluster account's JWT: JetStream enabled without limits, and the given revocations. */
  accountJwt(revocations: Revocations = {}): Promise<string> {
    return encodeAccount(
      `wharf-${this.subjects.cluster}`,
      this.#account,
      { limits: { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1, max_ack_pending: -1, mem_max_stream_bytes: -1, disk_max_stream_bytes: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 }, revocations },
      { signer: this.#operator },
    );
  }

  /** A system-account user (to push account updates); returns its creds file text. */
  async systemUserCreds(): Promise<string> {
    const user = createUser();
    const jwt = await encodeUser('wharf-system', user, this.#system);
    return text(fmtCreds(jwt, user));
  }

  /** Mints a user JWT with the role's permissions. Returns the JWT, its public key and, when the key was made here, the creds file text. */
  async mintUser(u: NewUser): Promise<{ jwt: string; publicKey: string; creds?: string }> {
    if (isNodeRole(u.role) && !u.node) throw new Error(`a ${u.role} user names its node`);
    const made = u.publicKey ? undefined : createUser();
    const key = made ?? fromPublic(u.publicKey!);
    if (!key.getPublicKey().startsWith('U')) throw new Error('not a user public key');
    const name = userName(u.role, u.node);
    const perms = permissionsFor(this.subjects, u.role, u.node);
    const claims: Partial<User> = { pub: perms.pub, sub: perms.sub, ...(perms.resp ? { resp: perms.resp } : {}), subs: -1, data: -1, payload: -1 };
    const jwt = await encodeUser(name, key, this.#account, claims);
    return { jwt, publicKey: key.getPublicKey(), ...(made ? { creds: text(fmtCreds(jwt, made)) } : {}) };
  }
}

/** The NATS user name of a component, as the API names its users (system:node:<n> for an agent). */
export function userName(role: NatsRole, node?: string): string {
  switch (role) {
    case 'agent':
      return `system:node:${node}`;
    case 'proxy':
      return `system:kube-proxy:${node}`;
    default:
      return `system:wharf-${role}`;
  }
}

/** The user JWT of a creds file's text, or undefined when it holds none. */
export function credsJwt(creds: string): string | undefined {
  return /-----BEGIN NATS USER JWT-----\s*([^\s-][^\s]*)\s*------END NATS USER JWT------/.exec(creds)?.[1];
}

/** The inbox prefix a creds file's user may receive on (from its JWT's subscribe permissions), or undefined. */
export function credsInboxPrefix(creds: string): string | undefined {
  const jwt = credsJwt(creds);
  if (!jwt) return undefined;
  const allow = decode<User>(jwt).nats.sub?.allow ?? [];
  const inbox = allow.find((s) => s.startsWith('_INBOX_') && s.endsWith('.>'));
  return inbox?.slice(0, -2);
}


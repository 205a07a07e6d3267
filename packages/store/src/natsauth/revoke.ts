/**
 * Revoking NATS users: the revocation list is kept in the auth bucket (key `nats.revocations`,
 * compare-and-set, so two revokers never lose each other's keys), and the account JWT carrying it
 * is pushed to the servers through the system account. The servers then close the revoked users'
 * connections and refuse their credentials.
 */
import type { KV } from '@nats-io/kv';
import { connectNats, type NatsAuth } from '../connect.js';
import type { NatsIdentity, Revocations } from './identity.js';

const REVOCATIONS = 'nats.revocations';

/** Where and how to push an account update: the servers, TLS, and the system user's creds file. */
export interface PushTarget {
  natsUrl: string;
  tls: NatsAuth;
  systemCredsFile: string;
}

/** Adds `keys` to the revocation list (as of now) and pushes the account JWT; returns the list. */
export async function revokeUsers(kv: KV, identity: NatsIdentity, target: PushTarget, keys: string[]): Promise<Revocations> {
  let revocations: Revocations = {};
  for (let attempt = 0; ; attempt++) {
    const cur = await kv.get(REVOCATIONS);
    revocations = cur && cur.operation === 'PUT' ? cur.json<Revocations>() : {};
    // JWTs issued up to this second are refused; credentials minted later carry new keys anyway.
    const now = Math.floor(Date.now() / 1000) + 1;
    for (const k of keys) revocations[k] = now;
    try {
      if (cur) await kv.update(REVOCATIONS, JSON.stringify(revocations), cur.revision);
      else await kv.create(REVOCATIONS, JSON.stringify(revocations));
      break;
    } catch (e) {
      // Another revoker wrote first: read again.
      if (attempt >= 7) throw e;
    }
  }
  await pushAccount(identity, target, revocations);
  return revocations;
}

/** Pushes the account JWT with `revocations` to the servers (through the system account). */
export async function pushAccount(identity: NatsIdentity, target: PushTarget, revocations: Revocations): Promise<void> {
  const jwt = await identity.accountJwt(revocations);
  const sys = await connectNats(target.natsUrl, 'wharf system', { ...target.tls, credsFile: target.systemCredsFile });
  try {
    const r = await sys.request('$SYS.REQ.CLAIMS.UPDATE', new TextEncoder().encode(jwt), { timeout: 5000 });
    const body = JSON.parse(new TextDecoder().decode(r.data)) as { error?: { description?: string } };
    if (body.error) throw new Error(`NATS refused the account update: ${body.error.description ?? 'no reason given'}`);
  } finally {
    await sys.close();
  }
}

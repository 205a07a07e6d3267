/**
 * What each component may do on NATS, as subject permissions (pure). A cluster's components share
 * one NATS account, so the only walls between them are these lists. They go down to JetStream's
 * API subjects: no component may delete or purge a stream or delete messages, only the API server
 * may read the auth bucket (token hashes and node credentials), and a node's agent and proxy are
 * confined to their own node: its feed keys, its heartbeat, its proxy acknowledgement, its log
 * subjects, and the relay subjects through which it reports status (the relay checks the rest,
 * see ARCHITECTURE.md, "NodeRestriction").
 *
 * Each user gets an inbox prefix of its own (`_INBOX_<role>[_<node>]`), and may subscribe only
 * there: JetStream replies and deliveries to other components never reach it.
 */
import { encodeToken, type Subjects } from '@wharf/model';

/** The components that hold NATS credentials. */
export type NatsRole = 'api' | 'reconcilers' | 'agent' | 'proxy';

/** The roles, for flags and help texts. */
export const NATS_ROLES: readonly NatsRole[] = ['api', 'reconcilers', 'agent', 'proxy'];

/** Subject permissions in the shape of a NATS user JWT's `pub`/`sub`. */
export interface SubjectPermissions {
  pub: { allow: string[]; deny: string[] };
  sub: { allow: string[]; deny: string[] };
  /** May answer requests it received (one reply each, within `ttl` nanoseconds): the node relay's server. */
  resp?: { max: number; ttl: number };
}

/** Roles that run on a node and are confined to it. */
export function isNodeRole(role: NatsRole): role is 'agent' | 'proxy' {
  return role === 'agent' || role === 'proxy';
}

/** The inbox prefix of a user: the one place it may receive replies and deliveries. */
export function inboxPrefix(role: NatsRole, node?: string): string {
  return isNodeRole(role) ? `_INBOX_${role}_${encodeToken(node ?? '')}` : `_INBOX_${role}`;
}

const kvStream = (bucket: string): string => `KV_${bucket}`;

/** JetStream API subjects that destroy data: nobody gets them. */
function destructive(): string[] {
  return ['$JS.API.STREAM.DELETE.>', '$JS.API.STREAM.PURGE.>', '$JS.API.STREAM.MSG.DELETE.>', '$JS.API.STREAM.RESTORE.>', '$JS.API.ACCOUNT.PURGE.>', '$JS.API.SERVER.REMOVE'];
}

/** Every way of reading or changing a stream through the JetStream API. */
function streamApi(stream: string): string[] {
  return [`$JS.API.STREAM.*.${stream}`, `$JS.API.STREAM.MSG.GET.${stream}`, `$JS.API.DIRECT.GET.${stream}`, `$JS.API.DIRECT.GET.${stream}.>`, `$JS.API.CONSUMER.*.${stream}`, `$JS.API.CONSUMER.*.${stream}.>`, `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`, `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`];
}

/** Reading a KV bucket's keys under `prefix` (a key pattern), with watches on them: no other key. */
function kvRead(bucket: string, keys: string): string[] {
  const s = kvStream(bucket);
  return [`$JS.API.STREAM.INFO.${s}`, `$JS.API.DIRECT.GET.${s}.$KV.${bucket}.${keys}`, `$JS.API.CONSUMER.CREATE.${s}.*.$KV.${bucket}.${keys}`, `$JS.API.CONSUMER.MSG.NEXT.${s}.*`, `$JS.API.CONSUMER.DELETE.${s}.*`, `$JS.API.CONSUMER.INFO.${s}.*`];
}

/** Reading and writing a KV bucket's keys under `keys`. */
function kvWrite(bucket: string, keys: string): string[] {
  return [...kvRead(bucket, keys), `$KV.${bucket}.${keys}`];
}

/** Reading the whole event log (Kubernetes lets nodes read pods, services, endpoints and nodes; Wharf's log holds no secrets). */
function logRead(s: Subjects): string[] {
  return [`$JS.API.STREAM.INFO.${s.stream}`, `$JS.API.DIRECT.GET.${s.stream}`, `$JS.API.DIRECT.GET.${s.stream}.>`, `$JS.API.CONSUMER.CREATE.${s.stream}`, `$JS.API.CONSUMER.CREATE.${s.stream}.>`, `$JS.API.CONSUMER.MSG.NEXT.${s.stream}.*`, `$JS.API.CONSUMER.DELETE.${s.stream}.*`, `$JS.API.CONSUMER.INFO.${s.stream}.*`];
}

/** The permissions of one component; `node` names the node for the agent and the proxy. */
export function permissionsFor(s: Subjects, role: NatsRole, node?: string): SubjectPermissions {
  const inbox = `${inboxPrefix(role, node)}.>`;
  // Every component may hear that the event log elected a leader (it names servers, nothing else).
  const leader = s.leaderElected;
  const base = ['$JS.API.INFO'];
  const deny = destructive();
  const authApi = streamApi(kvStream(s.authBucket));
  switch (role) {
    case 'api':
      // The API server owns the streams and buckets: it creates them, appends, reads the auth
      // bucket, and serves the node relay. It may still destroy nothing.
      return {
        pub: { allow: ['$JS.API.>', `${s.prefix}.>`, '$KV.>', '$O.>', '$JS.ACK.>', '$JS.FC.>'], deny },
        sub: { allow: [inbox, leader, `${s.prefix}.node.*.>`], deny: [] },
        // Replies to the relay's requests go to each node's own inbox.
        resp: { max: 1, ttl: 60e9 },
      };
    case 'reconcilers':
      // Everything the controllers need on the log and their buckets; never the auth bucket.
      return {
        pub: { allow: ['$JS.API.>', `${s.prefix}.obj.>`, '$KV.>', '$O.>', '$JS.ACK.>', '$JS.FC.>'], deny: [...deny, ...authApi, `$KV.${s.authBucket}.>`] },
        sub: { allow: [inbox, leader], deny: [] },
      };
    case 'agent': {
      if (!node) throw new Error('an agent\'s credentials name its node');
      const n = encodeToken(node);
      return {
        pub: {
          allow: [
            ...base,
            ...logRead(s),
            ...kvRead(s.nodeFeedBucket, `${n}.>`),
            ...kvWrite(s.heartbeatBucket, n),
            ...kvRead(s.proxyBucket, '*'),
            `$JS.API.STREAM.INFO.${s.logStream}`,
            // Its own containers' last shipped line (where shipping resumes), and their lines.
            `$JS.API.DIRECT.GET.${s.logStream}.${s.prefix}.logs.${n}.>`,
            `${s.prefix}.logs.${n}.>`,
            `${s.prefix}.node.${n}.>`,
            '$JS.FC.>',
          ],
          deny,
        },
        sub: { allow: [inbox, leader], deny: [] },
      };
    }
    case 'proxy': {
      if (!node) throw new Error('a proxy\'s credentials name its node');
      const n = encodeToken(node);
      return {
        pub: { allow: [...base, ...logRead(s), ...kvWrite(s.proxyBucket, n), '$JS.FC.>'], deny },
        sub: { allow: [inbox, leader], deny: [] },
      };
    }
  }
}

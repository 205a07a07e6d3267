/**
 * Joining a control-plane host (kubeadm's `join --control-plane` with `--certificate-key`). The
 * cluster's secrets (the CA and its key, the NATS operator and account seeds, the route secret)
 * reach a new control-plane host only as a sealed bundle: AES-256-GCM under a certificate key
 * that `wharf init` or `wharf token create --control-plane` printed once and no server keeps.
 * The sealed bundle is handed out only to a bootstrap token of the control-plane kind (group
 * CONTROL_PLANE_JOINERS_GROUP), over TLS that the joiner pinned to the cluster CA. The members
 * list says which hosts run a NATS server, an API server and reconcilers.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The group a control-plane bootstrap token's user is in, besides system:bootstrappers. */
export const CONTROL_PLANE_JOINERS_GROUP = 'system:bootstrappers:wharf:control-plane';

/** A certificate key: 32 random bytes as 64 hex digits. */
export const CERTIFICATE_KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The secrets a control-plane host needs, as the bundle carries them. */
export interface ControlPlaneBundle {
  caCert: string;
  caKey: string;
  /** The NATS operator, system account and cluster account seeds. */
  natsIdentity: { operator: string; systemAccount: string; account: string };
  /** The user name and password every NATS route presents (besides its certificate). */
  route: { user: string; password: string };
}

/** A sealed bundle: base64 of the nonce, the GCM tag and the ciphertext. */
export interface SealedBundle {
  alg: 'aes-256-gcm';
  nonce: string;
  tag: string;
  data: string;
}

/** Raised when a certificate key does not open a sealed bundle (wrong key, or tampered data). */
export class BundleKeyError extends Error {
  override name = 'BundleKeyError';
}

/** A new certificate key (64 hex digits). */
export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * What the control plane keeps to check a certificate key without holding it: a SHA-256 of the
 * key under a label of its own (not the AES key, which it cannot give back). A joiner sends it,
 * so that a wrong key is refused before anything is recorded.
 */
export function certificateKeyVerifier(key: string): string {
  return createHash('sha256').update(`wharf-certificate-key-verifier:${key}`).digest('hex');
}

/** Seals `bundle` under `key` (64 hex digits). */
export function sealBundle(bundle: ControlPlaneBundle, key: string): SealedBundle {
  if (!CERTIFICATE_KEY_PATTERN.test(key)) throw new BundleKeyError('a certificate key is 64 hex digits');
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'hex'), nonce);
  const data = Buffer.concat([c.update(JSON.stringify(bundle), 'utf8'), c.final()]);
  return { alg: 'aes-256-gcm', nonce: nonce.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Opens a sealed bundle; BundleKeyError when `key` is not the one it was sealed with. */
export function openBundle(sealed: SealedBundle, key: string): ControlPlaneBundle {
  if (!CERTIFICATE_KEY_PATTERN.test(key)) throw new BundleKeyError('a certificate key is 64 hex digits');
  try {
    const d = createDecipheriv('aes-256-gcm', Buffer.from(key, 'hex'), Buffer.from(sealed.nonce, 'base64'));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]).toString('utf8');
    return JSON.parse(text) as ControlPlaneBundle;
  } catch {
    throw new BundleKeyError('the certificate key does not open the control plane\'s secrets: give the key printed with this token');
  }
}

/** One control-plane host, as the members list records it. */
export interface ControlPlaneMember {
  /** Its node name. */
  name: string;
  /** The NATS client URL (tls://ADDR:PORT), the route URL without credentials (nats-route://ADDR:PORT), the API URL. */
  natsUrl: string;
  routeUrl: string;
  apiUrl: string;
}

/** The members list (auth bucket key CONTROL_PLANE_MEMBERS_KEY). */
export interface ControlPlaneMembers {
  /** The address clients are told first (wharf init --control-plane-endpoint), HOST:PORT. */
  endpoint?: string;
  members: ControlPlaneMember[];
  /**
   * The bootstrap NATS server of the first host: JetStream's clustered mode needs two servers to
   * elect a leader, so a cluster made for more control planes starts with a second, small server
   * on the first host. It leaves (`retired`) once the third control-plane host has joined.
   */
  seed?: { name: string; routeUrl: string; retired: boolean };
}

/** The auth bucket key of the members list. */
export const CONTROL_PLANE_MEMBERS_KEY = 'controlplane.members';

/** The route URLs every member's NATS server lists (the seed's until it retired), sorted. */
export function routeUrls(m: ControlPlaneMembers): string[] {
  const urls = new Set(m.members.map((x) => x.routeUrl));
  if (m.seed && !m.seed.retired) urls.add(m.seed.routeUrl);
  return [...urls].sort();
}

/** Adds or replaces a member by name (pure). */
export function withMember(m: ControlPlaneMembers, member: ControlPlaneMember): ControlPlaneMembers {
  return { ...m, members: [...m.members.filter((x) => x.name !== member.name), member].sort((a, b) => a.name.localeCompare(b.name)) };
}

/**
 * The sealed secrets of control-plane tokens (kubeadm's uploaded certificates). Making a
 * control-plane token seals the cluster's secrets under a new certificate key, keeps only the
 * sealed bundle in the auth bucket (key `controlplane.bundle.<token id>`, which only wharf-api may
 * read), and hands the key to the caller once. A control-plane join with that token gets the
 * sealed bundle back; deleting the token deletes it.
 *
 * Threat model: the bootstrap token authenticates the joiner and the certificate key opens the
 * secrets, so neither alone is enough, and an ordinary bootstrap token never gets the bundle. The
 * joiner pins the cluster CA before it sends anything. NATS' store and its backups hold only
 * ciphertext. Whoever holds both the token and the key before it expires becomes a control plane:
 * treat the pair like the CA key itself.
 */
import type { KV } from '@nats-io/kv';
import { timingSafeEqual } from 'node:crypto';
import { certificateKeyVerifier, type ControlPlaneBundle, newCertificateKey, sealBundle, type SealedBundle } from '@wharf/model';
import type { ControlPlaneSecrets } from '@wharf/store';
import type { RouteSecret } from './members.js';

const key = (tokenId: string): string => `controlplane.bundle.${tokenId}`;

/** The bundle of this control plane's secrets. */
export function bundleOf(secrets: ControlPlaneSecrets, route: RouteSecret): ControlPlaneBundle {
  return { caCert: secrets.ca.cert, caKey: secrets.ca.key, natsIdentity: { ...secrets.seeds }, route: { ...route } };
}

/** Seals the bundle for a token under a new certificate key; returns the key (shown once, kept nowhere). */
export async function sealForToken(kv: KV, tokenId: string, bundle: ControlPlaneBundle): Promise<string> {
  const certificateKey = newCertificateKey();
  const stored: Stored = { sealed: sealBundle(bundle, certificateKey), verifier: certificateKeyVerifier(certificateKey) };
  await kv.put(key(tokenId), JSON.stringify(stored));
  return certificateKey;
}

interface Stored {
  sealed: SealedBundle;
  verifier: string;
}

/** The sealed bundle of a token: `missing` when it has none, `wrong-key` when `verifier` is not its key's. */
export async function sealedForToken(kv: KV, tokenId: string, verifier: string): Promise<SealedBundle | 'missing' | 'wrong-key'> {
  const e = await kv.get(key(tokenId));
  if (e?.operation !== 'PUT') return 'missing';
  const s = e.json<Stored>();
  const a = Buffer.from(s.verifier, 'hex');
  const b = Buffer.from(verifier, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? s.sealed : 'wrong-key';
}

/** Forgets a token's sealed bundle (the token was deleted). */
export async function forgetToken(kv: KV, tokenId: string): Promise<void> {
  const e = await kv.get(key(tokenId));
  if (e?.operation === 'PUT') await kv.delete(key(tokenId));
}

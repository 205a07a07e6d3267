/**
 * kubeadm's CA pin (`--discovery-token-ca-cert-hash`): the SHA-256 of the CA certificate's
 * DER-encoded SubjectPublicKeyInfo, written `sha256:<hex>`. Pinning the key rather than the
 * certificate lets a CA be re-issued with the same key. `wharf token create --print-join-command`
 * prints it and `wharf join` checks the server's CA against it.
 */
import { createHash, X509Certificate } from 'node:crypto';

/** The PEM given is not a certificate. */
export class CaCertHashError extends Error {
  override name = 'CaCertHashError';
}

const FIRST_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** `sha256:<hex>` of the SubjectPublicKeyInfo of the first certificate in `pem` (as kubeadm's pubkeypin.Hash). */
export function caCertHash(pem: string): string {
  const block = FIRST_CERT.exec(pem)?.[0];
  if (!block) throw new CaCertHashError('no PEM certificate found');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block);
  } catch (e) {
    throw new CaCertHashError(`invalid certificate: ${(e as Error).message}`);
  }
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

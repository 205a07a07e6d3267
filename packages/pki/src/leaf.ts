/**
 * Certificates for clients and members of the cluster: a key and certificate made here (`issueCert`),
 * or a requester's own key certified (`signCsr`: the requester keeps its key, and the name and the
 * usages come from the signer, never from the request). Subjects name a user and its group the
 * way Kubernetes' x509 authentication reads them (CN=user, O=group).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPair } from './certs.js';
import { subjectAltNames } from './certs.js';
import { inScratch, openssl } from './openssl.js';

/** What a certificate is for, and whom it names. */
export interface CertRequest {
  commonName: string;
  organization?: string;
  /** DNS names and IP addresses (serving certificates). */
  hosts?: string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function subjValue(v: string): string {
  if (!/^[\w .:@-]+$/.test(v)) throw new RangeError(`certificate name "${v}" has characters that are not allowed`);
  return v;
}

function subject(r: Pick<CertRequest, 'commonName' | 'organization'>): string {
  return `/CN=${subjValue(r.commonName)}${r.organization ? `/O=${subjValue(r.organization)}` : ''}`;
}

function extensions(r: CertRequest): string {
  const usage = r.usage === 'server' ? 'serverAuth' : r.usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
  const lines = [`extendedKeyUsage=${usage}`, 'keyUsage=critical,digitalSignature,keyEncipherment', 'basicConstraints=critical,CA:FALSE'];
  if (r.hosts?.length) lines.push(`subjectAltName=${subjectAltNames(r.hosts)}`);
  return lines.join('\n') + '\n';
}

/** Certifies the public key in `dir/leaf.pub` with `ca`, with the name and usages of `r`. */
function certify(dir: string, ca: KeyPair, r: CertRequest): string {
  writeFileSync(join(dir, 'ca.crt'), ca.cert);
  writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
  writeFileSync(join(dir, 'ext.cnf'), extensions(r));
  openssl(['x509', '-new', '-subj', subject(r), '-force_pubkey', 'leaf.pub', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', String(r.days ?? 825), '-extfile', 'ext.cnf'], dir);
  return readFileSync(join(dir, 'leaf.crt'), 'utf8');
}

/** Makes a key and a certificate for it signed by `ca`. */
export function issueCert(ca: KeyPair, r: CertRequest): KeyPair {
  return inScratch((dir) => {
    openssl(['req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject(r)], dir);
    openssl(['req', '-in', 'leaf.csr', '-pubkey', '-noout', '-out', 'leaf.pub'], dir);
    return { cert: certify(dir, ca, r), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
  });
}

/** Makes a key and a certificate signing request for it (the requester keeps the key). */
export function makeCsr(r: Pick<CertRequest, 'commonName' | 'organization'>): { csr: string; key: string } {
  return inScratch((dir) => {
    openssl(['req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject(r)], dir);
    return { csr: readFileSync(join(dir, 'leaf.csr'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
  });
}

/** Signs a CSR's key (after checking its self-signature) with `ca`; the subject and usages are `r`'s. */
export function signCsr(ca: KeyPair, csr: string, r: CertRequest): string {
  if (csr.length > 8192 || !/^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/.test(csr)) throw new RangeError('not a PEM certificate request');
  return inScratch((dir) => {
    writeFileSync(join(dir, 'leaf.csr'), csr);
    openssl(['req', '-in', 'leaf.csr', '-noout', '-verify', '-pubkey', '-out', 'leaf.pub'], dir);
    return certify(dir, ca, r);
  });
}

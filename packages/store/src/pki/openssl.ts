/**
 * The cluster's X.509 certificates, made with openssl (Debian's, always present where Wharf
 * runs): a CA, serving certificates for addresses, and client certificates whose subject names a
 * user and its group the way Kubernetes' x509 authentication reads them (CN=user, O=group).
 * Keys are EC P-256. Nothing here keeps state; callers decide where keys live.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError } from '../config.js';

/** A certificate and its private key (PEM). */
export interface KeyPairPem {
  cert: string;
  key: string;
}

/** What a certificate is for, and whom it names. */
export interface CertRequest {
  commonName: string;
  organization?: string;
  /** DNS names and IP addresses (serving certificates). */
  hosts?: string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new StartupError('openssl is not installed (apt-get install openssl); Wharf makes its certificates with it');
    throw new StartupError(`openssl failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

function inTemp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-pki-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Escapes a value for openssl's -subj (`/` and `,` and `+` and `=` are special). */
function subjValue(v: string): string {
  if (!/^[\w .:@-]+$/.test(v)) throw new Error(`certificate name "${v}" has characters that are not allowed`);
  return v;
}

/** Makes a self-signed cluster CA named `name` (10 years). */
export function makeCA(name: string): KeyPairPem {
  return inTemp((dir) => {
    openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', `/CN=${subjValue(name)}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    return { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  });
}

function extensions(r: CertRequest): string {
  const lines = [`extendedKeyUsage=${r.usage === 'server' ? 'serverAuth' : r.usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth'}`, 'keyUsage=critical,digitalSignature,keyEncipherment', 'basicConstraints=critical,CA:FALSE'];
  const hosts = [...new Set(r.hosts ?? [])].filter((h) => h && h !== '0.0.0.0' && h !== '::');
  if (hosts.length) lines.push(`subjectAltName=${hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',')}`);
  return lines.join('\n') + '\n';
}

function subject(r: CertRequest): string {
  return `/CN=${subjValue(r.commonName)}${r.organization ? `/O=${subjValue(r.organization)}` : ''}`;
}

/** Makes a key and a certificate signed by `ca`. */
export function issueCert(ca: KeyPairPem, r: CertRequest): KeyPairPem {
  return inTemp((dir) => {
    openssl(['req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject(r)], dir);
    openssl(['req', '-in', 'leaf.csr', '-pubkey', '-noout', '-out', 'leaf.pub'], dir);
    return { cert: signIn(dir, ca, r), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
  });
}

/** Makes a key and a certificate signing request (the requester keeps the key). */
export function makeCsr(r: Pick<CertRequest, 'commonName' | 'organization'>): { csr: string; key: string } {
  return inTemp((dir) => {
    openssl(['req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', subject({ ...r, usage: 'client' })], dir);
    return { csr: readFileSync(join(dir, 'leaf.csr'), 'utf8'), key: readFileSync(join(dir, 'leaf.key'), 'utf8') };
  });
}

/**
 * Signs a CSR with `ca`, with the subject and extensions of `r` (not the CSR's: a requester
 * cannot name itself anything else, or ask for more usages).
 */
export function signCsr(ca: KeyPairPem, csr: string, r: CertRequest): string {
  if (!/^-----BEGIN CERTIFICATE REQUEST-----[\s\S]+-----END CERTIFICATE REQUEST-----\s*$/.test(csr) || csr.length > 8192) throw new Error('not a PEM certificate request');
  return inTemp((dir) => {
    writeFileSync(join(dir, 'leaf.csr'), csr);
    // Only the CSR's key is taken (after its self-signature is checked); the name and the
    // usages come from `r`.
    openssl(['req', '-in', 'leaf.csr', '-noout', '-verify', '-pubkey', '-out', 'leaf.pub'], dir);
    return signIn(dir, ca, r);
  });
}

function signIn(dir: string, ca: KeyPairPem, r: CertRequest): string {
  writeFileSync(join(dir, 'ca.crt'), ca.cert);
  writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
  writeFileSync(join(dir, 'ext.cnf'), extensions(r));
  openssl(['x509', '-new', '-subj', subject(r), '-force_pubkey', 'leaf.pub', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', String(r.days ?? 825), '-extfile', 'ext.cnf'], dir);
  return readFileSync(join(dir, 'leaf.crt'), 'utf8');
}

/** kubeadm's CA pin: `sha256:` and the SHA-256 of the CA certificate's DER SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

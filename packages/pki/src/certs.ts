/**
 * The cluster CA and the serving certificates it signs: EC P-256 keys, made with openssl. A CA
 * is made once per cluster; each server (wharf-api, the cluster registry) signs its own serving
 * certificate for the names and addresses its clients dial.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { inScratch, openssl } from './openssl.js';

/** A certificate and its private key (PEM). */
export interface KeyPair {
  cert: string;
  key: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes a self-signed CA (ten years) named `commonName`. */
export function makeCA(commonName: string): KeyPair {
  return inScratch((dir) => {
    openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', `/CN=${commonName}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    return { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  });
}

/** The subjectAltName value for `hosts`: IPs as `IP:`, names as `DNS:`; wildcard listen addresses and repeats left out. */
export function subjectAltNames(hosts: string[]): string {
  const names = [...new Set(hosts.map((h) => h.trim()))].filter((h) => h && h !== '0.0.0.0' && h !== '::');
  if (names.length === 0) throw new RangeError('a serving certificate needs at least one host name or address');
  return names.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
}

/** Signs a serving certificate (825 days, serverAuth) for `hosts` with `ca`; the key is new. */
export function signServingCert(ca: KeyPair, hosts: string[], commonName: string): KeyPair {
  const san = subjectAltNames(hosts);
  return inScratch((dir) => {
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    openssl(['req', ...EC, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', `/CN=${commonName}`], dir);
    openssl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '825', '-extfile', 'ext.cnf'], dir);
    return { cert: readFileSync(join(dir, 'srv.crt'), 'utf8'), key: readFileSync(join(dir, 'srv.key'), 'utf8') };
  });
}

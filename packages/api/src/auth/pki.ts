/**
 * TLS for the API. Kubernetes clients send bearer tokens only over HTTPS, so wharf-api serves
 * HTTPS by default: a cluster CA is made once (with openssl) and kept in the cluster's auth
 * bucket, and each API server signs its own serving certificate for its addresses at start.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { KV } from '@nats-io/kv';
import { StartupError } from '@wharf/store';

/** A serving key pair and the CA that signed it (PEM). */
export interface ServingCert {
  cert: string;
  key: string;
  ca: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new StartupError('openssl is not installed (apt-get install openssl); it makes the API server certificate. Or pass --tls-cert/--tls-key, or --insecure-http');
    throw new StartupError(`openssl failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCA(dir: string, cluster: string): { crt: string; key: string } {
  openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', `/CN=wharf-ca-${cluster}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { crt: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
}

/** Gets (or makes, once per cluster) the CA, then signs a serving certificate for `hosts`. */
export async function servingCert(kv: KV, cluster: string, hosts: string[]): Promise<ServingCert> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-pki-'));
  try {
    let ca = await kv.get('pki.ca');
    if (!ca || ca.operation !== 'PUT') {
      const made = makeCA(dir, cluster);
      try {
        await kv.create('pki.ca', JSON.stringify(made));
      } catch {
        // Another API server made the CA first; use that one.
      }
      ca = await kv.get('pki.ca');
    }
    const { crt, key } = ca!.json<{ crt: string; key: string }>();
    writeFileSync(join(dir, 'ca.crt'), crt);
    writeFileSync(join(dir, 'ca.key'), key, { mode: 0o600 });
    const names = [...new Set(['127.0.0.1', 'localhost', ...hosts])].filter((h) => h && h !== '0.0.0.0' && h !== '::');
    const san = names.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    openssl(['req', ...EC, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=wharf-api'], dir);
    openssl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '825', '-extfile', 'ext.cnf'], dir);
    return { cert: readFileSync(join(dir, 'srv.crt'), 'utf8'), key: readFileSync(join(dir, 'srv.key'), 'utf8'), ca: crt };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

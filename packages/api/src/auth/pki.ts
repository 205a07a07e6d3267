/**
 * TLS for the API. Kubernetes clients send bearer tokens only over HTTPS, so wharf-api serves
 * HTTPS by default: a cluster CA is made once (with openssl, `@wharf/pki`) and kept in the
 * cluster's auth bucket, and each API server signs its own serving certificate for its addresses at start.
 */
import type { KV } from '@nats-io/kv';
import { type KeyPair, makeCA, OpensslError, signServingCert } from '@wharf/pki';
import { StartupError } from '@wharf/store';

/** A serving key pair and the CA that signed it (PEM). */
export interface ServingCert {
  cert: string;
  key: string;
  ca: string;
}

function withHint<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof OpensslError)) throw e;
    throw new StartupError(e.missing ? `${e.message}; it makes the API server certificate. Or pass --tls-cert/--tls-key, or --insecure-http` : e.message);
  }
}

/** Gets (or makes, once per cluster) the CA, then signs a serving certificate for `hosts`. */
export async function servingCert(kv: KV, cluster: string, hosts: string[]): Promise<ServingCert> {
  let ca = await kv.get('pki.ca');
  if (!ca || ca.operation !== 'PUT') {
    const made = withHint(() => makeCA(`wharf-ca-${cluster}`));
    try {
      await kv.create('pki.ca', JSON.stringify({ crt: made.cert, key: made.key }));
    } catch {
      // Another API server made the CA first; use that one.
    }
    ca = await kv.get('pki.ca');
  }
  const { crt, key } = ca!.json<{ crt: string; key: string }>();
  const authority: KeyPair = { cert: crt, key };
  const srv = withHint(() => signServingCert(authority, ['127.0.0.1', 'localhost', ...hosts], 'wharf-api'));
  return { ...srv, ca: crt };
}

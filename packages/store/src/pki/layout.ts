/**
 * The control plane's secrets directory (`wharf init` writes it, root-only, default
 * /etc/wharf/pki): the cluster CA and its key, the NATS operator and account seeds, and the
 * system user that pushes account updates. Only the machine that runs wharf-api reads it; none
 * of it is ever stored in NATS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../config.js';
import type { KeyPair } from '@wharf/pki';
import type { NatsIdentitySeeds } from '../natsauth/identity.js';

/** File names inside the secrets directory. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  natsIdentity: 'nats-identity.json',
  systemCreds: 'nats-system.creds',
} as const;

/** The default secrets directory. */
export const DEFAULT_PKI_DIR = '/etc/wharf/pki';

/** What the control plane reads from the secrets directory. */
export interface ControlPlaneSecrets {
  ca: KeyPair;
  seeds: NatsIdentitySeeds;
  systemCredsFile: string;
}

/** Reads the secrets directory; a StartupError names what is missing. */
export function readControlPlaneSecrets(dir: string): ControlPlaneSecrets {
  const path = (f: string) => join(dir, f);
  for (const f of Object.values(PKI_FILES)) {
    if (!existsSync(path(f))) throw new StartupError(`${path(f)} is missing: --pki-dir must be the directory 'wharf init' made (default ${DEFAULT_PKI_DIR})`);
  }
  const seeds = JSON.parse(readFileSync(path(PKI_FILES.natsIdentity), 'utf8')) as NatsIdentitySeeds;
  return { ca: { cert: readFileSync(path(PKI_FILES.caCert), 'utf8'), key: readFileSync(path(PKI_FILES.caKey), 'utf8') }, seeds, systemCredsFile: path(PKI_FILES.systemCreds) };
}

/**
 * `wharf certs renew`: new credentials for a component of this machine (its NATS user and its TLS
 * client certificate), the component restarted on them, and the old NATS user revoked, so that a
 * leaked creds file stops working. Runs on the control plane, which holds the cluster's secrets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '@nats-io/jwt';
import { Kvm } from '@nats-io/kv';
import { Subjects } from '@wharf/model';
import { issueCert } from '@wharf/pki';
import { connectNats, credsJwt, NatsIdentity, type NatsRole, readControlPlaneSecrets, revokeUsers } from '@wharf/store';
import type { Io } from '../base.js';
import { CliError } from '../errors.js';
import { type MachineDirs, paths, writePublic, writeSecret } from './layout.js';
import { hasSystemd, savedServices, startService, stopService } from './supervise.js';
import { execFileSync } from 'node:child_process';

/** The components whose credentials can be renewed, with their creds and certificate file names. */
export const RENEWABLE: Record<string, { role: NatsRole; creds: string; cert: string; service: string }> = {
  api: { role: 'api', creds: 'api', cert: 'api', service: 'wharf-api' },
  reconcilers: { role: 'reconcilers', creds: 'reconcilers', cert: 'reconcilers', service: 'wharf-reconcilers' },
  agent: { role: 'agent', creds: 'agent', cert: 'node', service: 'wharf-agent' },
  proxy: { role: 'proxy', creds: 'proxy', cert: 'node', service: 'wharf-proxy' },
};

function jwtOf(creds: string): string {
  const jwt = credsJwt(creds);
  if (!jwt) throw new CliError('the creds file holds no user JWT');
  return jwt;
}

function flagOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Renews one component's credentials; returns the revoked user key. */
export async function renew(dirs: MachineDirs, component: string, io: Io): Promise<string> {
  const spec = RENEWABLE[component];
  if (!spec) throw new CliError(`cannot renew "${component}": choose one of ${Object.keys(RENEWABLE).join(', ')}`);
  const p = paths(dirs);
  const secrets = readControlPlaneSecrets(p.pki);
  const oldCreds = readFileSync(p.creds(spec.creds), 'utf8');
  const old = decode<{ name?: string }>(jwtOf(oldCreds));
  const api = savedServices(p.run, ['wharf-api'])[0];
  const natsUrl = api ? flagOf(api.args, '--nats') : undefined;
  const cluster = api ? (flagOf(api.args, '--cluster') ?? 'default') : undefined;
  if (!natsUrl || !cluster) throw new CliError(`this machine runs no control plane that init started (${join(p.run, 'wharf-api.json')} is missing): renew on the control plane`);
  const node = spec.role === 'agent' || spec.role === 'proxy' ? /^system:(?:node|kube-proxy):(.+)$/.exec(old.name ?? '')?.[1] : undefined;

  const identity = new NatsIdentity(secrets.seeds, new Subjects(cluster));
  const minted = await identity.mintUser({ role: spec.role, ...(node ? { node } : {}) });
  const cert = issueCert(secrets.ca, spec.cert === 'node' ? { commonName: `system:node:${node}`, organization: 'system:nodes', usage: 'client' } : { commonName: `system:wharf-${spec.role}`, organization: spec.role === 'api' ? 'system:masters' : 'system:wharf', usage: 'client' });
  writeSecret(p.creds(spec.creds), minted.creds!);
  writePublic(p.cert(spec.cert), cert.cert);
  writeSecret(p.key(spec.cert), cert.key);
  io.err(`[renew] wrote new credentials for ${spec.service} (NATS user ${minted.publicKey})\n`);

  if (hasSystemd()) execFileSync('systemctl', ['restart', `${spec.service}.service`]);
  else {
    const saved = savedServices(p.run, [spec.service])[0];
    if (saved) {
      await stopService(spec.service, p.run);
      startService(saved, p.run);
    }
  }
  io.err(`[renew] restarted ${spec.service}\n`);

  // Revoke the old user with the API server's (new, if it was renewed) credentials.
  const tls = { caFile: p.caCert, certFile: p.cert('api'), keyFile: p.key('api') };
  const nc = await connectNats(natsUrl, 'wharf certs renew', { ...tls, credsFile: p.creds('api') });
  try {
    const kv = await new Kvm(nc).open(new Subjects(cluster).authBucket, { allow_direct: true });
    await revokeUsers(kv, identity, { natsUrl, tls, systemCredsFile: secrets.systemCredsFile }, [old.sub]);
  } finally {
    await nc.close();
  }
  io.err(`[renew] revoked the old NATS user ${old.sub}\n`);
  return old.sub;
}

/**
 * Client configuration handed over on first start: the CLI's config (~/.wharf/config, JSON) and
 * a kubeconfig (~/.wharf/kubeconfig) so that kubectl works against the same cluster.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The default CLI config path, as the CLI reads it. */
export function defaultConfigPath(): string {
  return process.env.WHARF_CONFIG || join(homedir(), '.wharf', 'config');
}

/** What a client needs to reach and trust the API. */
export interface ClientConfig {
  server: string;
  token: string;
  cluster: string;
  /** PEM of the CA that signed the API's certificate (HTTPS only). */
  certificateAuthority?: string;
}

function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Writes the CLI config and, next to it, a kubeconfig for kubectl; returns the kubeconfig path. */
export function writeClientConfig(path: string, c: ClientConfig): string {
  writePrivate(path, JSON.stringify(c, null, 2) + '\n');
  const kubeconfig = join(dirname(path), 'kubeconfig');
  const name = `wharf-${c.cluster}`;
  const cluster = c.certificateAuthority
    ? `    server: ${c.server}\n    certificate-authority-data: ${Buffer.from(c.certificateAuthority).toString('base64')}`
    : `    server: ${c.server}`;
  writePrivate(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: ${name}\n  cluster:\n${cluster}\nusers:\n- name: admin@${name}\n  user:\n    token: ${c.token}\ncontexts:\n- name: ${name}\n  context:\n    cluster: ${name}\n    user: admin@${name}\n    namespace: default\ncurrent-context: ${name}\n`,
  );
  return kubeconfig;
}

/**
 * The client configs of a cluster with several API servers. `~/.wharf/config` lists them all
 * (`servers`): the wharf CLI sends a request that cannot connect to the next one. A kubeconfig
 * names one server per cluster entry and kubectl does not fail over, so the kubeconfig has one
 * entry for the control-plane endpoint (current; kubeadm's: a load balancer or a DNS name of every
 * host makes it survive the loss of one) and one entry and context per API server
 * (`wharf-<cluster>-<host>`), to switch to with `kubectl --context` when the endpoint's host is
 * gone. Pure, apart from writing the files.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the configs carry. */
export interface Endpoints {
  cluster: string;
  /** The control-plane endpoint (https://HOST:PORT), or the first API server. */
  primary: string;
  apiServers: string[];
  token: string;
  certificateAuthority?: string | undefined;
}

const hostOf = (url: string): string => new URL(url).hostname;

/** The kubeconfig text: the primary entry (current context) and one entry per API server. */
export function kubeconfigText(e: Endpoints): string {
  const name = `wharf-${e.cluster}`;
  const entries = [[name, e.primary], ...e.apiServers.map((s) => [`${name}-${hostOf(s)}`, s])].filter((x, i, all) => all.findIndex((y) => y[0] === x[0]) === i);
  const ca = e.certificateAuthority ? `\n    certificate-authority-data: ${Buffer.from(e.certificateAuthority).toString('base64')}` : '';
  const clusters = entries.map(([n, s]) => `- name: ${n}\n  cluster:\n    server: ${s}${ca}\n`).join('');
  const contexts = entries.map(([n]) => `- name: ${n}\n  context:\n    cluster: ${n}\n    user: admin@${name}\n    namespace: default\n`).join('');
  return `apiVersion: v1\nkind: Config\nclusters:\n${clusters}users:\n- name: admin@${name}\n  user:\n    token: ${e.token}\ncontexts:\n${contexts}current-context: ${name}\n`;
}

/** Rewrites the CLI config (server = primary, servers = every one) and the kubeconfig next to it; returns the kubeconfig path. */
export function writeEndpoints(configPath: string, existing: Record<string, unknown>, e: Endpoints): string {
  const servers = [...new Set([e.primary, ...e.apiServers])];
  const write = (path: string, text: string) => {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  };
  write(configPath, JSON.stringify({ ...existing, server: e.primary, servers }, null, 2) + '\n');
  const kubeconfig = join(dirname(configPath), 'kubeconfig');
  write(kubeconfig, kubeconfigText(e));
  return kubeconfig;
}

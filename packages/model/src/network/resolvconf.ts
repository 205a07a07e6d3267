/**
 * A pod's resolv.conf as the kubelet writes it for `dnsPolicy: ClusterFirst` (pure), and the
 * reading of a node's own resolv.conf.
 */

/** The kubelet's limits on the search list (Kubernetes 1.28+: 32 domains, 2048 characters). */
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_CHARS = 2048;

/** What a pod's resolv.conf is made of. */
export interface PodDnsConfig {
  /** The cluster DNS responders (the node's). */
  nameservers: readonly string[];
  namespace: string;
  /** Default `cluster.local`. */
  clusterDomain?: string;
  /** The node's own search domains, appended after the cluster's as the kubelet does. */
  hostSearch?: readonly string[];
}

/** The search list of a pod in `namespace`: `<ns>.svc.<domain> svc.<domain> <domain>`, then the host's, without duplicates, within the kubelet's limits. */
export function podSearchDomains(namespace: string, clusterDomain = 'cluster.local', hostSearch: readonly string[] = []): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const d of [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain, ...hostSearch]) {
    const name = d.replace(/\.$/, '');
    if (!name || out.includes(name) || out.length >= MAX_DNS_SEARCH_PATHS || chars + name.length + (out.length ? 1 : 0) > MAX_DNS_SEARCH_CHARS) continue;
    chars += name.length + (out.length ? 1 : 0);
    out.push(name);
  }
  return out;
}

/** The text of a ClusterFirst pod's /etc/resolv.conf: the nameservers (at most 3, as libc reads), the search list, `options ndots:5`. */
export function renderPodResolvConf(cfg: PodDnsConfig): string {
  const lines = cfg.nameservers.slice(0, 3).map((ns) => `nameserver ${ns}`);
  lines.push(`search ${podSearchDomains(cfg.namespace, cfg.clusterDomain, cfg.hostSearch).join(' ')}`);
  lines.push('options ndots:5');
  return `${lines.join('\n')}\n`;
}

/** What a resolv.conf says: its nameservers and its search domains (the last `search`/`domain` line wins, as in libc). */
export function parseResolvConf(text: string): { nameservers: string[]; search: string[] } {
  const nameservers: string[] = [];
  let search: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') search = rest.filter(Boolean);
  }
  return { nameservers, search };
}

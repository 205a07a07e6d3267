/** The logic of `wharf token`: TTLs like `24h`, the token table (kubeadm's columns), and the join command. */
import { caCertHash, type TokenInfo } from '@wharf/model';
import { CliError } from './errors.js';
import { formatTable } from './tabwriter.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a TTL such as `24h`, `90m`, `1h30m` or `7d`; `0` means the token never expires. */
export function parseTtl(text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(\d+[smhd])+$/.test(t)) throw new CliError(`invalid --ttl "${text}": use a duration such as 30m, 24h, 1h30m or 7d (0: never expires)`);
  let seconds = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)([smhd])/g)) seconds += Number(n) * UNITS[unit!]!;
  if (seconds === 0) throw new CliError(`invalid --ttl "${text}": a TTL must be longer than 0s (0 alone: never expires)`);
  return seconds;
}

/** A token's roles as `cluster-admin`, `view@team-a` (a role in one namespace). */
export function rolesText(t: TokenInfo): string {
  return t.roles.length ? t.roles.map((r) => (r.namespace ? `${r.role}@${r.namespace}` : r.role)).join(',') : '<none>';
}

/** A duration as Kubernetes' ShortHumanDuration prints it (`45s`, `59m`, `23h`, `6d`, `2y`; `<invalid>` well past). */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

const rfc3339 = (t: string) => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/**
 * The rows of `wharf token list`, kubeadm's columns first: TOKEN ID TTL EXPIRES USAGES DESCRIPTION
 * EXTRA GROUPS, then Wharf's USER and ROLES. USAGES is `join` for a bootstrap token, `api` else.
 */
export function tokenTable(tokens: readonly TokenInfo[], now: Date, opts: { noHeaders?: boolean } = {}): string {
  const rows = tokens.map((t) => [
    t.id,
    t.expires ? shortHumanDuration(Date.parse(t.expires) - now.getTime()) : '<forever>',
    t.expires ? rfc3339(t.expires) : '<never>',
    t.type === 'bootstrap' ? 'join' : 'api',
    t.description || '<none>',
    t.groups.join(',') || '<none>',
    t.user,
    rolesText(t),
  ]);
  return formatTable({ headers: ['TOKEN ID', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS', 'USER', 'ROLES'], rows }, opts).text;
}

/** `host:port` of an API server URL, with the scheme's default port written out. */
export function hostPort(server: string): string {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    throw new CliError(`invalid server address "${server}": expected a URL such as https://10.0.0.1:6443`);
  }
  return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
}

/** kubeadm's join line: `wharf join --token T HOST:PORT --discovery-token-ca-cert-hash sha256:...`. */
export function joinCommand(bin: string, token: string, server: string, caPem: string | undefined): string {
  if (!caPem) throw new CliError('cannot print a join command without the cluster CA: give --certificate-authority (wharf-api writes it into ~/.wharf/config)');
  let pin: string;
  try {
    pin = caCertHash(caPem);
  } catch (e) {
    throw new CliError(`cannot compute the CA certificate hash: ${(e as Error).message}`);
  }
  return `${bin} join --token ${token} ${hostPort(server)} --discovery-token-ca-cert-hash ${pin}`;
}

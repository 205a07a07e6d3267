/** The logic of `wharf token`: TTLs like `24h`, and the token table. */
import type { TokenInfo } from '@wharf/model';
import { CliError } from './errors.js';
import { shortTime } from './history.js';
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

function expiresText(t: TokenInfo, now: Date): string {
  if (!t.expires) return '<never>';
  return Date.parse(t.expires) <= now.getTime() ? `${shortTime(t.expires)} (expired)` : shortTime(t.expires);
}

/** The rows of `wharf token list`: ID USER GROUPS ROLES EXPIRES CREATED (times in UTC). */
export function tokenTable(tokens: readonly TokenInfo[], now: Date, opts: { noHeaders?: boolean } = {}): string {
  const rows = tokens.map((t) => [t.id, t.user, t.groups.join(',') || '<none>', rolesText(t), expiresText(t, now), shortTime(t.created)]);
  return formatTable({ headers: ['ID', 'USER', 'GROUPS', 'ROLES', 'EXPIRES', 'CREATED'], rows }, opts).text;
}

/** kubectl-compatible spellings oclif does not parse natively. */

/** Boolean flags that default to false: `--x=false` is simply dropped. */
const OFF_BY_DEFAULT = new Set(['watch', 'watch-only', 'all', 'now', 'all-namespaces', 'no-headers', 'follow', 'ignore-not-found']);
/** Boolean flags that default to true and accept `--no-x`. */
const ON_BY_DEFAULT = new Set(['wait']);

/**
 * Rewrites `--flag=true|false` of boolean flags into oclif's `--flag` / `--no-flag` (e.g. kubectl's `--wait=false`).
 * Everything after `--` is left alone.
 */
export function normalizeArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return [...out, ...argv.slice(i)];
    const m = /^--([a-z-]+)=(true|false)$/i.exec(a);
    const name = m?.[1];
    const on = m?.[2]!.toLowerCase() === 'true';
    if (name && ON_BY_DEFAULT.has(name)) out.push(on ? `--${name}` : `--no-${name}`);
    else if (name && OFF_BY_DEFAULT.has(name)) {
      if (on) out.push(`--${name}`);
    } else out.push(a);
  }
  return out;
}

/** Parses a kubectl duration ("60s", "2m", "1h30m", "500ms", or bare seconds "30") into milliseconds; NaN when invalid. */
export function parseDuration(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = s;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) return NaN;
    total += Number(m[1]) * unit[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return s ? total : NaN;
}

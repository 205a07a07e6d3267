/** kubectl-compatible spellings oclif does not parse natively. */

/** Boolean flags that default to false: `--x=false` is simply dropped. */
const OFF_BY_DEFAULT = new Set(['watch', 'watch-only', 'all', 'now', 'all-namespaces', 'no-headers', 'follow', 'ignore-not-found']);
/** Boolean flags that default to true and accept `--no-x`. */
const ON_BY_DEFAULT = new Set(['wait']);

/** Global flags that take a value, and the boolean ones: kubectl takes them before the command too. */
const GLOBAL_WITH_VALUE = new Set(['--server', '--token', '--namespace', '-n', '--config', '--certificate-authority']);
const GLOBAL_BOOLEAN = new Set(['--insecure-skip-tls-verify']);

/** Moves global flags given before the command (`wharf -n kube-system get pods`) to after it, where oclif parses them. */
function hoistGlobals(argv: string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    const name = a.startsWith('--') ? a.split('=')[0]! : a.slice(0, 2);
    if (GLOBAL_BOOLEAN.has(name)) lead.push(argv[i++]!);
    else if (GLOBAL_WITH_VALUE.has(name)) {
      // `--server=URL` and `-nNS` carry their value; `--server URL` and `-n NS` take the next word.
      const inline = a.includes('=') || (name === '-n' && a.length > 2);
      if (!inline && i + 1 >= argv.length) break;
      lead.push(...argv.slice(i, inline ? i + 1 : i + 2));
      i += inline ? 1 : 2;
    } else break;
  }
  if (!lead.length || i >= argv.length || argv[i]!.startsWith('-')) return argv;
  return [argv[i]!, ...lead, ...argv.slice(i + 1)];
}

/**
 * Rewrites `--flag=true|false` of boolean flags into oclif's `--flag` / `--no-flag` (e.g. kubectl's `--wait=false`),
 * and moves global flags given before the command to after it. Everything after `--` is left alone.
 */
export function normalizeArgv(input: string[]): string[] {
  const argv = hoistGlobals(input);
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

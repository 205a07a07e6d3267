/** DNS names as the responder compares them (pure): ASCII-lowercased labels, no trailing dot. */

/** The labels of a presentation-format name, split on unescaped dots, ASCII-lowercased; the root is []. */
export function labelsOf(name: string): string[] {
  const trimmed = name.replace(/^\.+|(?<!\\)\.+$/g, '');
  if (trimmed === '') return [];
  return trimmed.split(/(?<!\\)\./).map((l) => l.replace(/[A-Z]/g, (c) => c.toLowerCase()));
}

/** The canonical form of a name: its lowercased labels joined by dots, without a trailing dot. */
export function canonicalName(name: string): string {
  return labelsOf(name).join('.');
}

/** The labels of `name` left of `domain` when `name` is `domain` or under it; undefined when it is outside. */
export function relativeLabels(name: string, domain: string): string[] | undefined {
  const n = labelsOf(name);
  const d = labelsOf(domain);
  if (n.length < d.length) return undefined;
  for (let i = 1; i <= d.length; i++) if (n[n.length - i] !== d[d.length - i]) return undefined;
  return n.slice(0, n.length - d.length);
}

/** The label of an endpoint without a hostname: its IP with dots and colons as dashes (CoreDNS' form). */
export function dashedIp(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

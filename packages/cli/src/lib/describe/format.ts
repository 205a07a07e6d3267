/** kubectl describe's layout: `Label:   value` lines aligned per block, nested with two-space indents. */

/** One line: a label and value at an indent level, or a bare heading (value undefined). */
export type Line = [level: number, label: string, value?: string];

/** Renders lines, aligning the values of consecutive lines at the same level, as kubectl's tabwriter does. */
export function renderLines(lines: readonly Line[]): string {
  const width = new Map<number, number>();
  for (const [lvl, label, value] of lines) if (value !== undefined) width.set(lvl, Math.max(width.get(lvl) ?? 0, label.length + 3));
  return lines.map(([lvl, label, value]) => '  '.repeat(lvl) + (value === undefined ? `${label}:` : `${(label ? label + ':' : '').padEnd(width.get(lvl)!)}${value}`)).join('\n') + '\n';
}

/** `k=v` lines of a map (first on the label line, the rest continued), or `<none>`. */
export function mapLines(level: number, label: string, m: Readonly<Record<string, string | number>> | undefined, sep = '='): Line[] {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [[level, label, '<none>']];
  return entries.map(([k, v], i): Line => [level, i === 0 ? label : '', `${k}${sep}${v}`]);
}

/** A value or `<none>`. */
export function orNone(v: unknown): string {
  return v === undefined || v === null || v === '' ? '<none>' : String(v);
}

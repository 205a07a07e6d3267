/**
 * kubectl describe's layout: `Label:` then the value, values aligned in one column across the
 * whole output (as kubectl's tabwriter does); multi-line values continue under the value column,
 * and nested rows are indented by two spaces per level.
 */

/** One row: indentation level, label (without the colon) and value lines. */
interface Row {
  level: number;
  label: string;
  lines: string[];
}

/** Collects rows, then renders them aligned. */
export class DescribeWriter {
  readonly #rows: Row[] = [];

  /** Adds `Label:  value`; an array value prints one item per line (empty: `<none>`). */
  row(label: string, value: string | number | readonly string[] | undefined, level = 0): this {
    const lines = Array.isArray(value) ? (value.length ? [...value] : ['<none>']) : [value === undefined || value === '' ? '<none>' : String(value)];
    this.#rows.push({ level, label, lines });
    return this;
  }

  /** Renders every row; the value column starts two spaces after the longest label. */
  render(): string {
    const width = Math.max(0, ...this.#rows.map((r) => r.level * 2 + r.label.length + 1)) + 2;
    return this.#rows
      .map((r) => {
        const head = `${' '.repeat(r.level * 2)}${r.label}:`.padEnd(width);
        return r.lines.map((l, i) => (i === 0 ? head : ' '.repeat(width)) + l).join('\n');
      })
      .join('\n') + '\n';
  }
}

/** Labels or annotations as kubectl describe lists them: one `k=v` per line, sorted. */
export function mapLines(m: Readonly<Record<string, string>> | undefined): string[] {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${m![k]}`);
}

/** kubectl's human-readable table output of server-side Tables: column choice, cells and tabwriter spacing. */
import type { Table } from '@wharf/model';

/** How to lay a Table out. */
export interface TableView {
  /** Show priority>0 columns (-o wide). */
  wide?: boolean;
  /** Prepend a NAMESPACE column from each row's object metadata (-A). */
  withNamespace?: boolean;
  /** Prefix name cells with "kind/" (several kinds in one get). */
  kindPrefix?: string;
}

/** A laid-out table: upper-cased headers and string cells. */
export interface TextTable {
  headers: string[];
  rows: string[][];
}

/** A cell as kubectl prints it: strings up to the first line break (then "..."), null as "", others via String/JSON. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') {
    const i = cell.search(/[\r\n\f]/);
    return i >= 0 ? `${cell.slice(0, i)}...` : cell;
  }
  if (typeof cell === 'object') return JSON.stringify(cell);
  return String(cell);
}

/** Picks the columns to show and turns cells into text, as kubectl's table printer does. */
export function layoutTable(table: Table, view: TableView = {}): TextTable {
  const cols = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => view.wide || c.priority === 0);
  const headers = cols.map(({ c }) => c.name.toUpperCase());
  const rows = table.rows.map((r) =>
    cols.map(({ c, i }) => {
      const text = cellText(r.cells[i]);
      return view.kindPrefix && c.format === 'name' ? `${view.kindPrefix}/${text}` : text;
    }),
  );
  if (view.withNamespace) {
    headers.unshift('NAMESPACE');
    table.rows.forEach((r, i) => rows[i]!.unshift(r.object?.metadata?.namespace ?? ''));
  }
  return { headers, rows };
}

const MIN_WIDTH = 6;
const PADDING = 3;

/** Column widths (cell + 3 spaces, at least 6) of `lines`, never narrower than `previous` (tabwriter.RememberWidths). */
export function columnWidths(lines: string[][], previous: number[] = []): number[] {
  const widths = [...previous];
  for (const line of lines) {
    line.forEach((cell, i) => {
      if (i === line.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, MIN_WIDTH, [...cell].length + PADDING);
    });
  }
  return widths;
}

/** Renders lines with the given widths, left-aligned; the last cell is not padded. Each line ends with "\n". */
export function renderLines(lines: string[][], widths: number[]): string {
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length)))).join('') + '\n')
    .join('');
}

/** Formats a whole text table (headers unless `noHeaders`) and returns the widths used, for later watch rows. */
export function formatTable(t: TextTable, opts: { noHeaders?: boolean; widths?: number[] } = {}): { text: string; widths: number[] } {
  const lines = opts.noHeaders ? t.rows : [t.headers, ...t.rows];
  const widths = columnWidths(lines, opts.widths);
  return { text: renderLines(lines, widths), widths };
}

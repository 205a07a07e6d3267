/** `wharf get`: tables, -o yaml|json|name, and watches. */
import type { KObject, Table } from '@wharf/model';
import type { WharfClient } from '@wharf/client';
import { connect, type Io } from './connect.js';
import { CliError, formatError } from './errors.js';
import type { FlagValues, GET_FLAGS, GLOBAL_FLAGS } from './flagspec.js';
import { formatObjects, formatWatched, type ObjectFormat } from './output.js';
import { columnWidths, formatTable, layoutTable, renderLines, type TableView } from './tabwriter.js';
import { parseTargets, type Target } from './targets.js';

/** The flags of `get` that shape what is fetched and printed. */
export interface GetOptions {
  namespace: string;
  allNamespaces?: boolean;
  output?: 'wide' | ObjectFormat;
  selector?: string;
  fieldSelector?: string;
  watch?: boolean;
  watchOnly?: boolean;
  noHeaders?: boolean;
  at?: string;
  signal?: AbortSignal;
}

/** kubectl's message for an empty result, printed on stderr. */
export function noResourcesMessage(o: Pick<GetOptions, 'namespace' | 'allNamespaces'>, namespaced: boolean): string {
  return namespaced && !o.allNamespaces ? `No resources found in ${o.namespace} namespace.\n` : 'No resources found\n';
}

function listOpts(o: GetOptions) {
  return { namespace: o.namespace, allNamespaces: !!o.allNamespaces, labelSelector: o.selector, fieldSelector: o.fieldSelector, at: o.at };
}

/**
 * `wharf get ARGS... FLAGS`, parsed by either command-line parser (oclif or the fast path): connects
 * and prints; returns the exit code.
 */
export async function getCommand(args: string[], flags: FlagValues<typeof GET_FLAGS> & Partial<FlagValues<typeof GLOBAL_FLAGS>> & { config: string }, io: Io): Promise<number> {
  const targets = parseTargets(args);
  const { client, namespace } = await connect(flags);
  return runGet(
    client,
    targets,
    {
      namespace,
      allNamespaces: flags['all-namespaces'],
      output: flags.output as GetOptions['output'],
      selector: flags.selector,
      fieldSelector: flags['field-selector'],
      watch: flags.watch,
      watchOnly: flags['watch-only'],
      noHeaders: flags['no-headers'],
      at: flags.at,
    },
    io,
  );
}

/** Runs `get` for `targets`; returns the exit code (1 when any named object failed). */
export async function runGet(client: WharfClient, targets: Target[], o: GetOptions, io: Io): Promise<number> {
  if (o.watch || o.watchOnly) return watchGet(client, targets, o, io);
  const isTable = o.output === undefined || o.output === 'wide';
  let failed = false;
  let printed = 0;
  const objects: Parameters<typeof formatObjects>[0] = [];
  for (const t of targets) {
    const tables: Table[] = [];
    const named = t.names.length > 0;
    for (const name of named ? t.names : [undefined]) {
      try {
        if (isTable) tables.push(await client.table(t.info.kind, name === undefined ? listOpts(o) : { namespace: o.namespace, name, at: o.at }));
        else if (name !== undefined) objects.push({ info: t.info, object: await client.get(t.info.kind, o.namespace, name, { at: o.at }) });
        else for (const object of (await client.list(t.info.kind, listOpts(o))).items) objects.push({ info: t.info, object });
      } catch (e) {
        if (!name) throw e;
        io.err(formatError(e) + '\n');
        failed = true;
      }
    }
    if (!isTable || tables.length === 0) continue;
    const merged: Table = { ...tables[0]!, rows: tables.flatMap((x) => x.rows) };
    if (merged.rows.length === 0) continue;
    const view: TableView = { wide: o.output === 'wide', withNamespace: !!o.allNamespaces && t.info.namespaced, ...(targets.length > 1 ? { kindPrefix: t.info.singular } : {}) };
    io.out((printed++ > 0 ? '\n' : '') + formatTable(layoutTable(merged, view), { noHeaders: !!o.noHeaders }).text);
  }
  const noResources = noResourcesMessage(o, targets.some((t) => t.info.namespaced));
  if (isTable) {
    if (printed === 0 && !failed) io.err(noResources);
  } else if (o.output === 'name') {
    if (objects.length > 0) io.out(formatObjects(objects, 'name', false));
    else if (!failed) io.err(noResources);
  } else if (objects.length > 0 || !targets.some((t) => t.names.length > 0)) {
    io.out(formatObjects(objects, o.output as ObjectFormat, targets.length === 1 && targets[0]!.names.length === 1));
  }
  return failed ? 1 : 0;
}

async function watchGet(client: WharfClient, targets: Target[], o: GetOptions, io: Io): Promise<number> {
  const t = targets[0]!;
  if (targets.length > 1) throw new CliError('you may only specify a single resource type');
  if (t.names.length > 1) throw new CliError('watch is only supported on individual resources and resource collections, but 2 resources were found');
  const name = t.names[0];
  const fieldSelector = [o.fieldSelector, name ? `metadata.name=${name}` : ''].filter(Boolean).join(',') || undefined;
  const opts = { ...listOpts(o), fieldSelector };
  const isTable = o.output === undefined || o.output === 'wide';
  const view: TableView = { wide: o.output === 'wide', withNamespace: !!o.allNamespaces && t.info.namespaced };
  let widths: number[] = [];
  let headerShown = !!o.noHeaders;
  let rv: string | undefined;
  let count = 0;
  const printObject = (obj: KObject) => io.out(formatWatched(t.info, obj, o.output as ObjectFormat, count++ === 0));

  const printTable = (table: Table) => {
    const laid = layoutTable(table, view);
    const lines = headerShown ? laid.rows : [laid.headers, ...laid.rows];
    if (lines.length === 0) return;
    widths = columnWidths(lines, widths);
    io.out(renderLines(lines, widths));
    headerShown = true;
  };

  if (isTable) {
    const table = await client.table(t.info.kind, opts);
    rv = table.metadata.resourceVersion;
    if (!o.watchOnly) {
      if (table.rows.length === 0) io.err(noResourcesMessage(o, t.info.namespaced));
      else printTable(table);
    }
  } else {
    const list = await client.list(t.info.kind, opts);
    rv = list.metadata.resourceVersion;
    if (!o.watchOnly) list.items.forEach(printObject);
  }
  const events = client.watch<Table | KObject>(t.info.kind, { ...opts, table: isTable, ...(rv ? { resourceVersion: rv } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  for await (const ev of events) {
    if (ev.type === 'BOOKMARK') continue;
    if (isTable) printTable(ev.object as Table);
    else printObject(ev.object as KObject);
  }
  return 0;
}

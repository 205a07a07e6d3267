import { Flags } from '@oclif/core';
import { HistoryApi, type AuditQuery } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { auditTable, formatEntries } from '../lib/history.js';

/** `wharf events`: the cluster's audit log, from the event log. */
export default class Events extends WharfCommand {
  static override summary = 'Show the audit log: every change in the cluster, who made it and why.';
  static override description = `Print the events of the log, oldest first: revision, time, event type, object, actor, cause and a compact diff. Filter by time or revision (--since/--until take a revision like 42, an RFC 3339 time or an age like 10m), by actor (a trailing * matches a prefix, e.g. 'system:*'), by kind and by namespace (-n, default the current one; -A for all). -w follows new events. -o json gives a recorded log that 'wharf replay -f' reads.`;

  static override examples = [
    '<%= config.bin %> events --since 10m',
    '<%= config.bin %> events -A --actor admin',
    "<%= config.bin %> events --kind pods --actor 'system:*' -w",
    '<%= config.bin %> events -A --since 100 --until 200 -o json > log.json',
  ];

  static override flags = {
    since: Flags.string({ description: 'Only events at or after this revision, time (RFC 3339) or age (10m, 2h).' }),
    until: Flags.string({ description: 'Only events at or before this revision, time or age.' }),
    actor: Flags.string({ description: "Only events by this actor ('admin', 'system:scheduler', 'system:*')." }),
    kind: Flags.string({ description: 'Only events of this kind (pods, rc, svc, nodes...).' }),
    'all-namespaces': Flags.boolean({ char: 'A', description: 'Events of every namespace (and of cluster-scoped objects).' }),
    watch: Flags.boolean({ char: 'w', description: 'After the matching history, follow new events until interrupted.' }),
    limit: Flags.integer({ description: 'At most this many (the newest) events.', default: 10000 }),
    output: Flags.string({ char: 'o', description: 'Output format.', options: ['json', 'yaml'] }),
    'no-headers': Flags.boolean({ description: 'Do not print the table headers.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Events);
    const { client, namespace } = await this.connect(flags);
    const api = new HistoryApi(client);
    const q: AuditQuery = { since: flags.since, until: flags.until, actor: flags.actor, kind: flags.kind, namespace: flags['all-namespaces'] ? undefined : namespace, limit: flags.limit };
    const all = flags['all-namespaces'];
    if (flags.watch) {
      let widths: number[] | undefined;
      for await (const e of api.watchAudit(q)) {
        const t = auditTable([e], { noHeaders: Boolean(widths) || flags['no-headers'], allNamespaces: all, ...(widths ? { widths } : {}) });
        widths = t.widths;
        this.io.out(flags.output === 'json' ? JSON.stringify(e) + '\n' : t.text);
      }
      return;
    }
    const log = await api.audit(q);
    if (flags.output) return this.io.out(formatEntries(log.items, flags.output as 'json' | 'yaml'));
    if (log.items.length === 0) return this.io.err(`No events found${all ? '' : ` in ${namespace} namespace`}.\n`);
    this.io.out(auditTable(log.items, { noHeaders: flags['no-headers'], allNamespaces: all }).text);
    if (log.metadata.truncated) this.io.err(`(only the newest ${flags.limit} events are shown; narrow with --since or raise --limit)\n`);
  }
}

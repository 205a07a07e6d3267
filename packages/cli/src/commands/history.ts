import { Args, Flags } from '@oclif/core';
import { HistoryApi } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { formatEntries, historyTable } from '../lib/history.js';
import { parseSingleTarget } from '../lib/targets.js';

/** `wharf history KIND/NAME`: every change to one object, from the event log. */
export default class History extends WharfCommand {
  static override summary = 'Show every change to one object, oldest first.';
  static override description = `Print the object's history from the event log: one row per event with its revision (the stream sequence), time, event type, actor (user or component), cause (the revision of the event that triggered it; <user> for user actions) and a compact diff of what changed. Works for deleted objects too, as long as the log retains their events.`;

  static override usage = 'history (KIND NAME | KIND/NAME) [flags]';
  static override examples = ['<%= config.bin %> history pod/microservice1-x7k2p', '<%= config.bin %> history rc microservice1 -o yaml'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind, or KIND/NAME.' }),
    name: Args.string({ description: 'Name of the object.' }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format: the whole entries with the object after each change.', options: ['json', 'yaml'] }),
    'no-headers': Flags.boolean({ description: 'Do not print the table headers.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(History);
    const { info, name } = parseSingleTarget(argv as string[]);
    const { client, namespace } = await this.connect(flags);
    const entries = await new HistoryApi(client).history(info.kind, info.namespaced ? namespace : undefined, name);
    this.io.out(flags.output ? formatEntries(entries, flags.output as 'json' | 'yaml') : historyTable(entries, { noHeaders: flags['no-headers'] }));
  }
}

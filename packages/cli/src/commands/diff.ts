import { Flags } from '@oclif/core';
import { HistoryApi } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { formatDiff } from '../lib/diff.js';

/** `wharf diff --from A --to B`: the objects that changed between two points in history. */
export default class Diff extends WharfCommand {
  static override summary = 'List the objects that changed between two points in history.';
  static override description = `Rebuild the cluster at two points (revisions, RFC 3339 times or ages like 10m) and list each object that was ADDED, MODIFIED or DELETED in between, with its resourceVersion at both points. --to defaults to now.`;

  static override examples = ['<%= config.bin %> diff --from 10m', '<%= config.bin %> diff --from 120 --to 180', '<%= config.bin %> diff --from 2025-01-01T10:00:00Z --to 2025-01-01T11:00:00Z'];

  static override flags = {
    from: Flags.string({ description: 'The earlier point: a revision, a time or an age.', required: true }),
    to: Flags.string({ description: 'The later point (default: now).' }),
    output: Flags.string({ char: 'o', description: 'Output format.', options: ['json', 'yaml'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Diff);
    const { client } = await this.connect(flags);
    const d = await new HistoryApi(client).diff(flags.from, flags.to);
    this.io.out(formatDiff(d, (flags.output as 'json' | 'yaml' | undefined) ?? 'table'));
  }
}

import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { setUnschedulable } from '../lib/drain.js';

/** `wharf uncordon NODE`: marks a node schedulable again. */
export default class Uncordon extends WharfCommand {
  static override summary = 'Mark node as schedulable.';
  static override description = 'Clear spec.unschedulable on the node, so the scheduler places pods on it again.';
  static override examples = ['<%= config.bin %> uncordon node-1'];
  static override args = { node: Args.string({ description: 'Name of the node.', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Uncordon);
    const { client } = await this.connect(flags);
    await setUnschedulable(client, args.node, false, this.io);
  }
}

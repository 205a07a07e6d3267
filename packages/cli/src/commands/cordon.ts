import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { setUnschedulable } from '../lib/drain.js';

/** `wharf cordon NODE`: marks a node unschedulable. */
export default class Cordon extends WharfCommand {
  static override summary = 'Mark node as unschedulable.';
  static override description = 'Set spec.unschedulable on the node: the scheduler places no new pods on it; pods already there keep running.';
  static override examples = ['<%= config.bin %> cordon node-1'];
  static override args = { node: Args.string({ description: 'Name of the node.', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Cordon);
    const { client } = await this.connect(flags);
    await setUnschedulable(client, args.node, true, this.io);
  }
}

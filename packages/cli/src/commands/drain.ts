import { Args, Flags } from '@oclif/core';
import { parseDuration } from '../lib/argv.js';
import { WharfCommand } from '../lib/base.js';
import { drain } from '../lib/drain.js';
import { CliError } from '../lib/errors.js';

/** `wharf drain NODE`: cordons a node and deletes its pods, as kubectl drain does. */
export default class Drain extends WharfCommand {
  static override summary = 'Drain node in preparation for maintenance.';
  static override description = `Cordon the node, then delete every pod on it and wait until they are gone. Pods managed by a replication controller are re-created elsewhere. Pods that declare no controller would be lost, so drain refuses unless --force is given.`;
  static override examples = ['<%= config.bin %> drain node-1', '<%= config.bin %> drain node-1 --force --grace-period=5 --timeout=2m'];
  static override args = { node: Args.string({ description: 'Name of the node.', required: true }) };
  static override flags = {
    force: Flags.boolean({ description: 'Continue even if there are pods that do not declare a controller.' }),
    'ignore-daemonsets': Flags.boolean({ description: 'Ignore DaemonSet-managed pods (Wharf has none; accepted for kubectl compatibility).' }),
    'delete-emptydir-data': Flags.boolean({ description: 'Continue even if there are pods using emptyDir (accepted for kubectl compatibility).' }),
    'grace-period': Flags.integer({ description: 'Seconds given to each pod to terminate gracefully; negative means the pod\'s default.', default: -1 }),
    timeout: Flags.string({ description: 'How long to wait before giving up, e.g. 60s, 2m.', default: '5m' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Drain);
    const timeoutMs = parseDuration(flags.timeout);
    if (Number.isNaN(timeoutMs)) throw new CliError(`invalid --timeout "${flags.timeout}": use a duration such as 60s or 2m`);
    const { client } = await this.connect(flags);
    await drain(client, args.node, {
      force: flags.force,
      ignoreDaemonsets: flags['ignore-daemonsets'],
      timeoutMs,
      ...(flags['grace-period'] >= 0 ? { gracePeriodSeconds: flags['grace-period'] } : {}),
    }, this.io);
  }
}

import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { runDescribe } from '../lib/describe/index.js';
import { parseTargets } from '../lib/targets.js';
import { CliError } from '../lib/errors.js';

/** `wharf describe KIND [NAME]`: kubectl describe, with Events derived from the event log. */
export default class Describe extends WharfCommand {
  static override summary = 'Show details of a resource, with its events.';
  static override description = `Print a detailed description of pods, replication controllers, services and nodes (others show name, namespace and labels), followed by the object's Events (Scheduled, Pulled, Started, Killing, BackOff, NodeNotReady, SuccessfulCreate...), which Wharf derives from the event log and so keeps however old they are.`;

  static override usage = 'describe (KIND [NAME] | KIND/NAME) [flags]';
  static override examples = ['<%= config.bin %> describe pod microservice1', '<%= config.bin %> describe rc/microservice1', '<%= config.bin %> describe nodes'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind, or KIND/NAME.' }),
    name: Args.string({ description: 'Name of the object (all of the kind when left out).' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Describe);
    const targets = parseTargets(argv as string[]);
    if (targets.length !== 1 || targets[0]!.names.length > 1) throw new CliError('describe takes one kind and at most one name');
    const { client, namespace } = await this.connect(flags);
    await runDescribe(client, targets[0]!.info, namespace, targets[0]!.names[0], (t) => this.io.out(t));
  }
}

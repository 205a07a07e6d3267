import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';
import { resourceName } from '../lib/output.js';
import { parseSingleTarget } from '../lib/targets.js';

/** `wharf scale rc NAME --replicas N`: sets the desired replica count through the scale subresource. */
export default class Scale extends WharfCommand {
  static override summary = 'Set a new size for a replication controller.';
  static override description = `Set spec.replicas of a replication controller (through its scale subresource). The controller then starts or stops pods until that many run.`;

  static override usage = 'scale (rc NAME | rc/NAME) --replicas N [flags]';

  static override examples = ['<%= config.bin %> scale rc microservice1 --replicas 3', '<%= config.bin %> scale rc/microservice1 --replicas=0'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind (rc), or rc/NAME.' }),
    name: Args.string({ description: 'Name of the resource.' }),
  };

  static override flags = {
    replicas: Flags.integer({ description: 'The new number of desired replicas.', required: true, min: 0 }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Scale);
    const { info, name } = parseSingleTarget(argv as string[]);
    if (!info.subresources.includes('scale')) throw new CliError(`${info.resource} cannot be scaled; only replicationcontrollers can`);
    const { client, namespace } = await this.connect(flags);
    await client.scale(info.kind, namespace, name, flags.replicas);
    this.io.out(`${resourceName(info, name)} scaled\n`);
  }
}

import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { runDescribe } from '../lib/describe/index.js';
import { parseTargets } from '../lib/targets.js';

/** `wharf describe KIND [NAME...]`: kubectl describe, one block per object. */
export default class Describe extends WharfCommand {
  static override summary = 'Show details of a specific resource or group of resources.';
  static override description = `Print a detailed description of the named resources (all of the kind when no name is given), as kubectl describe does. Services show their type, each port with its target port, NodePort and ready endpoints (node address:host port), and the session affinity. Other kinds show their metadata followed by their spec and status.`;

  static override usage = 'describe KIND [NAME...] | KIND/NAME... [flags]';

  static override examples = ['<%= config.bin %> describe svc microservice1', '<%= config.bin %> describe service/microservice1', '<%= config.bin %> describe pods'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind (svc, po, rc, no, ep...), or KIND/NAME.' }),
    name: Args.string({ description: 'Names of the resources to describe (any number).' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Describe);
    const targets = parseTargets(argv as string[]);
    const { client, namespace } = await this.connect(flags);
    for (let i = 0; i < targets.length; i++) {
      if (i > 0) this.io.out('\n\n');
      await runDescribe(client, targets[i]!.info, namespace, targets[i]!.names, this.io);
    }
  }
}

import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { GET_FLAGS } from '../lib/flagspec.js';
import { getCommand } from '../lib/get.js';
import { oclifFlags } from '../lib/oclif-flags.js';

/** `wharf get KIND [NAME...]`: kubectl get, printed from the server's Table format. */
export default class Get extends WharfCommand {
  static override summary = 'Display one or many resources.';
  static override description = `Print a table of the most important information about resources, as the server formats it (the same columns as kubectl). Kinds: pods (po), services (svc), replicationcontrollers (rc), nodes (no), endpoints (ep), namespaces (ns), events (ev); singular, plural and short names all work, as do several kinds separated by commas and the KIND/NAME form.

Prints "No resources found in <namespace> namespace." on stderr when nothing matches. With --watch, prints the current table and then one row per change until interrupted.`;

  static override usage = 'get KIND[,KIND...] [NAME...] | KIND/NAME... [flags]';

  static override examples = [
    '<%= config.bin %> get pods',
    '<%= config.bin %> get po microservice1 -o yaml',
    '<%= config.bin %> get pod/microservice1 svc/microservice1',
    '<%= config.bin %> get rc,svc -o wide',
    '<%= config.bin %> get pods -l app=microservice1 -A',
    '<%= config.bin %> get pods --field-selector spec.nodeName=node-1',
    '<%= config.bin %> get pods -w',
    '<%= config.bin %> get pods --at 2025-01-01T10:00:00Z',
  ];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind (pods, po, svc, rc, no, ep, ns, ev...), or KIND/NAME.' }),
    name: Args.string({ description: 'Names of the resources to get (any number).' }),
  };

  // `wharf get` usually runs without oclif (../fast.ts): both read the flags from GET_FLAGS.
  static override flags = oclifFlags(GET_FLAGS);

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Get);
    const code = await getCommand(argv as string[], flags, this.io);
    if (code !== 0) process.exitCode = code;
  }
}

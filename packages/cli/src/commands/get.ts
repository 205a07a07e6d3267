import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { runGet } from '../lib/get.js';
import { parseTargets } from '../lib/targets.js';

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

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format.', options: ['wide', 'yaml', 'json', 'name'] }),
    selector: Flags.string({ char: 'l', description: 'Label selector to filter on, e.g. -l app=ms1,tier!=db (=, ==, !=, in, notin, exists).' }),
    'field-selector': Flags.string({ description: 'Field selector to filter on, e.g. --field-selector status.phase=Running.' }),
    'all-namespaces': Flags.boolean({ char: 'A', description: 'List across all namespaces; adds a NAMESPACE column.' }),
    watch: Flags.boolean({ char: 'w', description: 'After listing, watch for changes and print each changed object.' }),
    'watch-only': Flags.boolean({ description: 'Watch for changes without listing first.' }),
    'no-headers': Flags.boolean({ description: 'Do not print the table headers.' }),
    at: Flags.string({ description: 'Show the state at a past time (RFC 3339) or revision (resourceVersion), passed to the server as ?at=.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Get);
    const targets = parseTargets(argv as string[]);
    const { client, namespace } = await this.connect(flags);
    const code = await runGet(
      client,
      targets,
      {
        namespace,
        allNamespaces: flags['all-namespaces'],
        output: flags.output as 'wide' | 'yaml' | 'json' | 'name' | undefined,
        selector: flags.selector,
        fieldSelector: flags['field-selector'],
        watch: flags.watch,
        watchOnly: flags['watch-only'],
        noHeaders: flags['no-headers'],
        at: flags.at,
      },
      this.io,
    );
    if (code !== 0) process.exitCode = code;
  }
}

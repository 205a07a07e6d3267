import { Args, Flags } from '@oclif/core';
import { type WharfClient } from '@wharf/client';
import { retryOnConflict, WharfError } from '@wharf/model';
import { WharfCommand } from '../lib/base.js';
import { formatError } from '../lib/errors.js';
import { parseTaintSpecs, reorganizeTaints, splitTaintArgs, type TaintChange, taintTargets } from '../lib/taint.js';

/** `wharf taint nodes NAME KEY[=VALUE]:EFFECT ... | KEY[:EFFECT]-`: adds, replaces and removes node taints, as kubectl taint. */
export default class Taint extends WharfCommand {
  static override summary = 'Update the taints on one or more nodes.';
  static override description = `A taint keeps pods off a node unless they tolerate it: NoSchedule (no new pods), PreferNoSchedule (avoid the node when another fits) or NoExecute (no new pods; and the node lifecycle's own NoExecute taints evict). A taint is KEY[=VALUE]:EFFECT; the key is a label key (an optional DNS prefix and /, then up to 63 letters, digits, '-', '_' or '.'), the value a label value.

KEY[=VALUE]:EFFECT adds a taint; a node that already has one with that key and effect is refused unless --overwrite replaces it. KEY:EFFECT- removes the taint with that key and effect, KEY- every taint with that key. Give the node names, or --all, or --selector. Each node is read and patched with its resourceVersion, and read again if another writer came first.`;

  static override usage = 'taint nodes (NAME... | --all | -l SELECTOR) KEY[=VALUE]:EFFECT ... | KEY[:EFFECT]- ... [flags]';

  static override examples = [
    '<%= config.bin %> taint nodes node-1 dedicated=special-user:NoSchedule',
    '<%= config.bin %> taint nodes node-1 dedicated=other:NoSchedule --overwrite',
    '<%= config.bin %> taint nodes node-1 dedicated:NoSchedule-',
    '<%= config.bin %> taint nodes node-1 dedicated-',
    '<%= config.bin %> taint nodes --all node-role.kubernetes.io/control-plane-',
    '<%= config.bin %> taint nodes -l disk=hdd bar:NoSchedule',
  ];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'nodes (or node).', required: true }),
    rest: Args.string({ description: 'Node names, then taint changes.' }),
  };

  static override flags = {
    all: Flags.boolean({ description: 'Update every node of the cluster.', exclusive: ['selector'] }),
    selector: Flags.string({ char: 'l', description: 'Update the nodes that match this label selector, e.g. -l disk=ssd.' }),
    overwrite: Flags.boolean({ description: 'Replace a taint that has the same key and effect; without it such a taint is an error.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Taint);
    const { resources, specs } = splitTaintArgs(argv as string[]);
    const change = parseTaintSpecs(specs);
    const selecting = flags.all || flags.selector !== undefined;
    let names = taintTargets(resources, selecting);
    const { client } = await this.connect(flags);
    if (selecting) {
      const list = await client.list('Node', flags.selector ? { labelSelector: flags.selector } : {});
      names = list.items.map((n) => n.metadata.name); // none: nothing to do, as kubectl
    }
    // As kubectl: every node is tried; each failure is one line, and any makes the exit code 1.
    let failed = false;
    for (const name of names) {
      try {
        await this.#taint(client, name, change, flags.overwrite);
      } catch (e) {
        this.io.err(formatError(e) + '\n');
        failed = true;
      }
    }
    if (failed) process.exitCode = 1;
  }

  async #taint(client: WharfClient, name: string, change: TaintChange, overwrite: boolean): Promise<void> {
    const operation = await retryOnConflict(async () => {
      const node = await client.get('Node', undefined, name);
      const { operation, taints } = reorganizeTaints(name, node.spec?.taints ?? [], change, overwrite);
      // A merge patch replaces the list whole; the resourceVersion makes it a precondition.
      await client.patch('Node', undefined, name, { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length ? taints : null } });
      return operation;
    }, { retriable: (e) => e instanceof WharfError && e.reason === 'Conflict' });
    this.io.out(`node/${name} ${operation}\n`);
  }
}

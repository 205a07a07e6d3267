import { Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';

/** `wharf start`: starts again what init or join started (where systemd does not do it). */
export default class Start extends WharfCommand {
  static override summary = 'Start again the Wharf daemons that init or join started on this machine.';
  static override description = 'On machines without systemd, init and join run the daemons detached; after a reboot or `wharf reset --keep-files` this starts each one that is not running, with the same flags, in order (the bootstrap NATS server of a first control-plane host while it has one, nats-server, the API server, the reconcilers, the agent, the proxy). On a control-plane host the API server starts once this host\'s NATS server is current in the JetStream cluster, and again if it exits before it is ready. Where systemd runs, the units do this themselves.';

  static override examples = ['<%= config.bin %> start'];

  static override flags = {
    'data-dir': Flags.string({ description: 'The data directory init or join used.', default: '/var/lib/wharf' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Start);
    const { startAll } = await import('../lib/cluster/startall.js');
    const { join } = await import('node:path');
    const run = join(flags['data-dir'], 'run');
    if (!(await startAll(run, this.io))) throw new CliError(`nothing to start: ${run} holds no daemon that init or join started (run 'wharf init' or 'wharf join')`);
  }
}

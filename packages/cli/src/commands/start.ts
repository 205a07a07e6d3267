import { Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';


/** `wharf start`: starts again what init or join started (where systemd does not do it). */
export default class Start extends WharfCommand {
  static override summary = 'Start again the Wharf daemons that init or join started on this machine.';
  static override description = 'On machines without systemd, init and join run the daemons detached; after a reboot or `wharf reset --keep-files` this starts each one that is not running, with the same flags, in order, wharf-api only once this host\'s NATS server answers for JetStream (the bootstrap NATS server of a first control-plane host while it has one, nats-server, the API server, the reconcilers, the agent, the proxy). Where systemd runs, the units do this themselves.';

  static override examples = ['<%= config.bin %> start'];

  static override flags = {
    'data-dir': Flags.string({ description: 'The data directory init or join used.', default: '/var/lib/wharf' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Start);
    const { DAEMON_ORDER, runningPid, savedServices, startService } = await import('../lib/cluster/supervise.js');
    const { join } = await import('node:path');
    const run = join(flags['data-dir'], 'run');
    const services = savedServices(run, DAEMON_ORDER);
    if (!services.length) throw new CliError(`nothing to start: ${run} holds no daemon that init or join started (run 'wharf init' or 'wharf join')`);
    for (const s of services) {
      const pid = runningPid(s.name, run);
      if (!pid && s.name === 'wharf-api') {
        // wharf-api gives up on a JetStream that does not answer yet: start it once this host's NATS server is back in the cluster.
        const { waitLocalJetStream } = await import('../lib/cluster/readiness.js');
        this.io.err(`[start] waiting for this host's NATS server to be current in the JetStream cluster\n`);
        if (!(await waitLocalJetStream(s, 120_000))) this.io.err('[start] WARNING: JetStream did not answer within 120 s; starting wharf-api anyway\n');
      }
      this.io.err(pid ? `[start] ${s.name} already runs (pid ${pid})\n` : `[start] ${s.name}: ${startService(s, run)}\n`);
      if (!pid && (s.name === 'wharf-nats' || s.name === 'wharf-nats-seed')) await new Promise((r) => setTimeout(r, 500));
    }
  }
}

import { Flags } from '@oclif/core';
import { WharfCommand } from '../../lib/base.js';

/** `wharf cluster status`: the control plane's health, part by part (kubectl get componentstatuses, for Wharf). */
export default class ClusterStatus extends WharfCommand {
  static override summary = 'Show the control plane: NATS peers, stream leaders and lag, API servers, reconcilers.';
  static override description = `Run as root on a control-plane host (it uses this host's NATS credentials in <config-dir> and the system account's): the JetStream meta group (its leader, each peer, current or behind and by how much, offline), every stream of the cluster (the event log, the log stream, each bucket: replicas, leader, followers and their lag), each control-plane host's API server (its /readyz) and the live wharf-reconcilers instances. With -o json it prints the same as JSON.`;

  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status -o json'];

  static override flags = {
    'config-dir': Flags.string({ description: 'The config directory init or join used.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'The data directory init or join used.', default: '/var/lib/wharf' }),
    output: Flags.string({ char: 'o', description: 'Output format.', options: ['json'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterStatus);
    const { readFileSync } = await import('node:fs');
    const { paths } = await import('../../lib/cluster/layout.js');
    const { connectControlPlane, savedControlPlane } = await import('../../lib/cluster/clusterconn.js');
    const { gatherStatus, renderStatus } = await import('../../lib/cluster/status.js');
    const { savedServices } = await import('../../lib/cluster/supervise.js');
    const p = paths({ config: flags['config-dir'], data: flags['data-dir'] });
    const saved = savedControlPlane(p);
    const api = savedServices(p.run, ['wharf-api'])[0]!;
    const own = api.args[api.args.indexOf('--advertise-url') + 1];
    const c = await connectControlPlane(p, saved.natsUrl, saved.cluster, 'wharf cluster status');
    try {
      const status = await gatherStatus(c, readFileSync(p.caCert, 'utf8'), own ? own.split(',') : []);
      this.io.out(flags.output === 'json' ? JSON.stringify(status, null, 2) + '\n' : renderStatus(status));
    } finally {
      await c.close();
    }
  }
}

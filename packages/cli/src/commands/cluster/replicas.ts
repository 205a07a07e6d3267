import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../../lib/base.js';

/** `wharf cluster replicas 1|3`: moves every stream of the cluster to that many replicas. */
export default class ClusterReplicas extends WharfCommand {
  static override summary = 'Move the event log, every bucket and the log stream to 1 or 3 replicas.';
  static override description = `Run as root on a control-plane host. 3 needs three NATS servers in the JetStream cluster (three control-plane hosts); the third 'wharf join --control-plane' does this by itself, and going to 3 also retires the first host's bootstrap NATS server. 1 is the only way down: the cluster then survives no loss of the host that holds a stream. Waits until every stream has its replicas current, and prints each change.`;

  static override examples = ['<%= config.bin %> cluster replicas 3', '<%= config.bin %> cluster replicas 1'];
  static override args = { replicas: Args.string({ description: '1 or 3.', required: true, options: ['1', '3'] }) };

  static override flags = {
    'config-dir': Flags.string({ description: 'The config directory init or join used.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'The data directory init or join used.', default: '/var/lib/wharf' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ClusterReplicas);
    const { paths } = await import('../../lib/cluster/layout.js');
    const { connectControlPlane, savedControlPlane } = await import('../../lib/cluster/clusterconn.js');
    const { replicate } = await import('../../lib/cluster/replicate.js');
    const p = paths({ config: flags['config-dir'], data: flags['data-dir'] });
    const saved = savedControlPlane(p);
    const c = await connectControlPlane(p, saved.natsUrl, saved.cluster, 'wharf cluster replicas');
    try {
      await replicate(c, Number(args.replicas) as 1 | 3, (t) => this.io.out(`${t}\n`));
    } finally {
      await c.close();
    }
  }
}

import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../../lib/base.js';

/** `wharf certs renew COMPONENT`: new credentials, and the old ones revoked (kubeadm certs renew). */
export default class CertsRenew extends WharfCommand {
  static override summary = 'Give a component of this machine new credentials, and revoke the old ones.';
  static override description = `Mints a new NATS user and TLS client certificate for the component (api, reconcilers, or this machine's agent or proxy), writes them to <config-dir>, restarts the component on them, and revokes the old NATS user: a leaked copy of the old creds file stops working at once. Run it as root on the control plane, which holds the cluster's secrets (<config-dir>/pki). A worker machine's credentials are revoked by deleting its node (wharf node delete NAME).`;

  static override examples = ['<%= config.bin %> certs renew reconcilers', '<%= config.bin %> certs renew api'];
  static override args = { component: Args.string({ description: 'api, reconcilers, agent or proxy.', required: true, options: ['api', 'reconcilers', 'agent', 'proxy'] }) };

  static override flags = {
    'config-dir': Flags.string({ description: 'The config directory init used.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'The data directory init used.', default: '/var/lib/wharf' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CertsRenew);
    const { renew } = await import('../../lib/cluster/renew.js');
    const old = await renew({ config: flags['config-dir'], data: flags['data-dir'] }, args.component, this.io);
    this.io.out(`${args.component}: new credentials in place; the old NATS user ${old} is revoked\n`);
  }
}

import { hostname } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';

/** `wharf join`: adds this machine to a cluster as a node (kubeadm join). */
export default class Join extends WharfCommand {
  static override summary = 'Join this machine to a cluster as a node, with a bootstrap token.';
  static override description = `Like kubeadm join: fetches the cluster CA from ADDRESS:PORT and checks it against --discovery-token-ca-cert-hash (refuses a mismatch; warns when unpinned); makes this node's private keys here and trades the bootstrap token for their certificate and NATS credentials (written to <config-dir>, root-only); starts the agent and the proxy (systemd units where systemd runs, else detached with logs under <data-dir>/run/logs); waits until the node is Ready. Run the command 'wharf init' printed.`;

  static override examples = ['<%= config.bin %> join --token abcdef.0123456789abcdef 10.0.0.1:6443 --discovery-token-ca-cert-hash sha256:1234...cdef'];

  static override args = { endpoint: Args.string({ description: 'ADDRESS:PORT of the control plane\'s API server.', required: true }) };

  static override flags = {
    token: Flags.string({ description: 'The bootstrap token (abcdef.0123456789abcdef).', required: true }),
    'discovery-token-ca-cert-hash': Flags.string({ description: 'The pin of the cluster CA (sha256:<hex>), as wharf init printed it.' }),
    'node-name': Flags.string({ description: 'This machine\'s node name (default: the host name).' }),
    'advertise-address': Flags.string({ description: 'The address pods\' ports are published on and other machines reach this one on (default: its first non-loopback IPv4 address).' }),
    'config-dir': Flags.string({ description: 'Where credentials go.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'Where the agent\'s state and (without systemd) logs and pid files go.', default: '/var/lib/wharf' }),
    'docker-socket': Flags.string({ description: 'The Docker engine socket of this machine.', default: '/var/run/docker.sock' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Join);
    const { advertiseAddress } = await import('../lib/cluster/preflight.js');
    const { join } = await import('../lib/cluster/join.js');
    const nodeName = (flags['node-name'] ?? hostname()).toLowerCase();
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName) || nodeName.length > 63) throw new CliError(`node name "${nodeName}" is not a valid DNS name: give --node-name`);
    const name = await join({
      dirs: { config: flags['config-dir'], data: flags['data-dir'] },
      endpoint: args.endpoint,
      token: flags.token,
      caCertHash: flags['discovery-token-ca-cert-hash'],
      nodeName,
      address: advertiseAddress(flags['advertise-address']),
      dockerSocket: flags['docker-socket'],
      io: this.io,
    });
    this.io.out(`\nThis node has joined the cluster as ${name}.\n\nRun 'wharf get nodes' (or kubectl get nodes) on the control plane to see it.\n`);
  }
}

import { hostname } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';

/** `wharf join`: adds this machine to a cluster as a node (kubeadm join). */
export default class Join extends WharfCommand {
  static override summary = 'Join this machine to a cluster as a node (or with --control-plane as a control-plane host), with a bootstrap token.';
  static override description = `Like kubeadm join: fetches the cluster CA from ADDRESS:PORT and checks it against --discovery-token-ca-cert-hash (refuses a mismatch; warns when unpinned); makes this node's private keys here and trades the bootstrap token for their certificate and NATS credentials (written to <config-dir>, root-only); starts the agent and the proxy (systemd units where systemd runs, else detached with logs under <data-dir>/run/logs); waits until the node is Ready. Run the command 'wharf init' printed.

With --control-plane (kubeadm's join --control-plane) the token must be a control-plane token and --certificate-key its key (both printed by 'wharf init --control-plane-endpoint' or 'wharf token create --control-plane'), and the CA must be pinned. The control plane hands the cluster's secrets (CA key, NATS operator and accounts, route password) only to such a token, sealed under the key (AES-256-GCM), over TLS pinned to the CA. This host then writes them to <config-dir>/pki (root-only), runs nats-server joined to every other control-plane host (routes over mutual TLS with the cluster CA and the route password), wharf-api and wharf-reconcilers, and its agent and proxy (tainted node-role.kubernetes.io/control-plane:NoSchedule unless --schedulable). When it is the third control-plane host, the event log, every bucket and the log stream move to 3 replicas, and the bootstrap NATS server of the first host leaves.`;

  static override examples = ['<%= config.bin %> join --token abcdef.0123456789abcdef 10.0.0.1:6443 --discovery-token-ca-cert-hash sha256:1234...cdef', '<%= config.bin %> join --control-plane --token abcdef.0123456789abcdef 10.0.0.100:6443 --discovery-token-ca-cert-hash sha256:1234...cdef --certificate-key 0a1b...9f'];

  static override args = { endpoint: Args.string({ description: 'ADDRESS:PORT of the control plane\'s API server.', required: true }) };

  static override flags = {
    token: Flags.string({ description: 'The bootstrap token (abcdef.0123456789abcdef).', required: true }),
    'discovery-token-ca-cert-hash': Flags.string({ description: 'The pin of the cluster CA (sha256:<hex>), as wharf init printed it.' }),
    'node-name': Flags.string({ description: 'This machine\'s node name (default: the host name).' }),
    'advertise-address': Flags.string({ description: 'The address pods\' ports are published on and other machines reach this one on (default: its first non-loopback IPv4 address).' }),
    'config-dir': Flags.string({ description: 'Where credentials go.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'Where the agent\'s state and (without systemd) logs and pid files go.', default: '/var/lib/wharf' }),
    'docker-socket': Flags.string({ description: 'The Docker engine socket of this machine.', default: '/var/run/docker.sock' }),
    'control-plane': Flags.boolean({ description: 'Join as a control-plane host: a NATS server in the cluster, an API server and reconcilers besides the node (needs a token from \'wharf token create --control-plane\' or the one init printed, and --certificate-key).', default: false }),
    'certificate-key': Flags.string({ description: 'The key that opens the control plane\'s secrets (64 hex digits, printed with the control-plane token).', dependsOn: ['control-plane'] }),
    'api-port': Flags.integer({ description: 'Port of this control-plane host\'s API server.', default: 6443, min: 1, max: 65535 }),
    'nats-port': Flags.integer({ description: 'Port of this control-plane host\'s nats-server.', default: 4222, min: 1, max: 65535 }),
    'nats-cluster-port': Flags.integer({ description: 'Port of this control-plane host\'s NATS routes.', default: 6222, min: 1, max: 65535 }),
    schedulable: Flags.boolean({ description: 'Do not taint this control-plane node: pods may run on it.', default: false }),
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
      ...(flags['control-plane']
        ? { controlPlane: { certificateKey: flags['certificate-key'] ?? '', apiPort: flags['api-port'], natsPort: flags['nats-port'], natsClusterPort: flags['nats-cluster-port'], schedulable: flags.schedulable } }
        : {}),
      io: this.io,
    });
    if (flags['control-plane']) this.io.out(`\nThis machine has joined the cluster as control-plane host ${name}: its NATS server is in the cluster, and it runs an API server, the reconcilers and a node.\n\nClients that should reach every API server: run 'wharf cluster endpoints --write' where their config is. See the control plane with 'wharf cluster status' here.\n`);
    else this.io.out(`\nThis node has joined the cluster as ${name}.\n\nRun 'wharf get nodes' (or kubectl get nodes) on the control plane to see it.\n`);
  }
}

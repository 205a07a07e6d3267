import { hostname } from 'node:os';
import { Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { defaultConfigPath } from '../lib/config.js';
import { CliError } from '../lib/errors.js';
import { parseTtl } from '../lib/tokens.js';
import { advertiseAddress } from '../lib/cluster/preflight.js';

/** `wharf init`: the first machine of a cluster (kubeadm init). */
export default class Init extends WharfCommand {
  static override summary = 'Make this machine the control plane of a new cluster, and print the command that joins others.';
  static override description = `Like kubeadm init: checks the machine; makes the cluster CA, every certificate and the NATS operator, accounts and one user per component (secrets in <config-dir>/pki, root-only); starts nats-server (TLS, client certificates required, per-component permissions), wharf-api, wharf-reconcilers, and this machine's agent and proxy (systemd units where systemd runs, else detached with logs and pid files under <data-dir>/run); waits until the node is Ready; makes a bootstrap token and prints 'wharf join --token ... ADDRESS:PORT --discovery-token-ca-cert-hash sha256:...'.

With --registry it also runs the cluster image registry (Debian's docker-registry) on ADVERTISE-ADDRESS:5000 (--registry-port) with a certificate from the cluster CA, data under <data-dir>/registry; with --registry-address HOST:PORT it names one that already runs with a certificate the cluster CA signed. Either way this machine's Docker engine trusts it (/etc/docker/certs.d/HOST:PORT/ca.crt), wharf-api advertises it, and every 'wharf join' makes its node's engine trust it too.

With --control-plane-endpoint ADDRESS[:PORT] (kubeadm's flag) the cluster can grow to three control-plane hosts: nats-server runs with cluster routes (mutual TLS with the cluster CA and a route password), a small bootstrap NATS server runs next to it until the third control-plane host joins (JetStream's clustered mode needs two servers to elect a leader), and init also prints 'wharf join --control-plane ... --certificate-key KEY'. The endpoint goes into every API certificate and the join commands; point it at a load balancer or DNS name in front of every control-plane host, or at this machine's address.

The node is tainted node-role.kubernetes.io/control-plane:NoSchedule unless --schedulable; remove it later with 'wharf taint nodes NAME node-role.kubernetes.io/control-plane-'. Undo everything with 'wharf reset'.`;

  static override examples = ['<%= config.bin %> init --advertise-address 10.0.0.1', '<%= config.bin %> init --schedulable   # a one-machine cluster that runs pods on its control plane', '<%= config.bin %> init --registry      # and a cluster image registry on ADVERTISE-ADDRESS:5000', '<%= config.bin %> init --control-plane-endpoint 10.0.0.100:6443   # a cluster that takes two more control-plane hosts'];

  static override flags = {
    'advertise-address': Flags.string({ description: 'The address other machines reach this one on (default: its first non-loopback IPv4 address).' }),
    'node-name': Flags.string({ description: 'This machine\'s node name (default: the host name).' }),
    cluster: Flags.string({ description: 'Cluster name (prefixes every stream and subject).', default: 'default' }),
    'api-port': Flags.integer({ description: 'Port of the API server.', default: 6443, min: 1, max: 65535 }),
    'nats-port': Flags.integer({ description: 'Port of nats-server.', default: 4222, min: 1, max: 65535 }),
    'config-dir': Flags.string({ description: 'Where credentials and configs go.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'Where NATS\' store, the agent\'s state and (without systemd) logs and pid files go.', default: '/var/lib/wharf' }),
    schedulable: Flags.boolean({ description: 'Do not taint this node: pods may run on the control plane.', default: false }),
    'docker-socket': Flags.string({ description: 'The Docker engine socket of this machine.', default: '/var/run/docker.sock' }),
    'node-monitor-grace-period': Flags.string({ description: 'Heartbeat silence after which a node is NotReady (wharf-reconcilers\' flag; default 10s).' }),
    'pod-eviction-timeout': Flags.string({ description: 'How long a node stays NotReady before its pods are replaced elsewhere (default 20s).' }),
    registry: Flags.boolean({ description: 'Run the cluster image registry (docker-registry, TLS from the cluster CA) on this machine; every node\'s Docker engine trusts it.', default: false, exclusive: ['registry-address'] }),
    'registry-port': Flags.integer({ description: 'Port of the registry --registry runs.', default: 5000, min: 1, max: 65535 }),
    'registry-address': Flags.string({ description: 'HOST:PORT of a registry that already runs with a certificate the cluster CA signed: advertise it instead of running one.', exclusive: ['registry'] }),
    'service-cidr': Flags.string({ description: 'The range Services\' cluster IPs come from (wharf-api\'s --service-cluster-ip-range; default 10.96.0.0/16). It must not overlap this machine\'s networks.' }),
    'pod-network-cidr': Flags.string({ description: 'The range pod IPs come from; every node gets a /24 of it (the reconcilers\' and agents\' --cluster-cidr; default 10.244.0.0/16). It must not overlap this machine\'s networks.' }),
    'control-plane-endpoint': Flags.string({ description: 'ADDRESS[:PORT] in front of every API server (a load balancer, a DNS name of them all, or this machine\'s address): in every API certificate, printed in the join commands, and what makes the cluster take more control-plane hosts (wharf join --control-plane). Without it the cluster has this one control plane.' }),
    'nats-cluster-port': Flags.integer({ description: 'Port of the NATS routes between control-plane hosts (with --control-plane-endpoint; the bootstrap server uses the next one).', default: 6222, min: 1, max: 65534 }),
    'token-ttl': Flags.string({ description: 'Lifetime of the printed bootstrap token (0: never expires).', default: '24h' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const address = advertiseAddress(flags['advertise-address']);
    const nodeName = (flags['node-name'] ?? hostname()).toLowerCase();
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(nodeName) || nodeName.length > 63) throw new CliError(`node name "${nodeName}" is not a valid DNS name: give --node-name`);
    const cliConfig = flags.config ?? defaultConfigPath();
    const { init } = await import('../lib/cluster/init.js');
    const r = await init({
      dirs: { config: flags['config-dir'], data: flags['data-dir'] },
      address,
      nodeName,
      cluster: flags.cluster,
      apiPort: flags['api-port'],
      natsPort: flags['nats-port'],
      cliConfig,
      schedulable: flags.schedulable,
      dockerSocket: flags['docker-socket'],
      tokenTtlSeconds: parseTtl(flags['token-ttl']),
      nodeMonitorGracePeriod: flags['node-monitor-grace-period'],
      podEvictionTimeout: flags['pod-eviction-timeout'],
      serviceCidr: flags['service-cidr'],
      podNetworkCidr: flags['pod-network-cidr'],
      controlPlaneEndpoint: flags['control-plane-endpoint'],
      natsClusterPort: flags['nats-cluster-port'],
      registry: flags.registry ? { port: flags['registry-port'] } : flags['registry-address'] ? { address: flags['registry-address'] } : undefined,
      io: this.io,
    }).catch((e: Error) => {
      throw new CliError(`${e.message}\nTo start over, run: wharf reset --config-dir ${flags['config-dir']} --data-dir ${flags['data-dir']}`);
    });
    this.io.out(`\nYour Wharf control plane has initialized successfully!\n\nThe admin's config is ${cliConfig} (kubectl: KUBECONFIG=${cliConfig.replace(/config$/, 'kubeconfig')} kubectl get nodes).\n\nThen you can join any number of worker machines by running the following on each as root:\n\n  ${r.joinCommand}\n\n`);
    if (r.controlPlaneJoinCommand) this.io.out(`You can now join control-plane hosts (a NATS server in the cluster, an API server, reconcilers, and a node) by running the following on each as root. The token and the certificate key together open the cluster's secrets: keep them as you keep the CA key. The certificate key expires with the token (2 hours); make another pair with 'wharf token create --control-plane'. When the third control-plane host joins, the event log, the buckets and the log stream move to 3 replicas.\n\n  ${r.controlPlaneJoinCommand}\n\n`);
    if (r.registry) this.io.out(`The cluster image registry is ${r.registry}; every node's Docker engine trusts it. Push an image once from any machine that trusts it, and pods on any node can run it:\n\n  docker tag myapp:1 ${r.registry}/team/myapp:1\n  docker push ${r.registry}/team/myapp:1\n\n`);
  }
}

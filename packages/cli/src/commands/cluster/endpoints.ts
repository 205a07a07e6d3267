import { Flags } from '@oclif/core';
import { CLUSTER_INFO_PATH, type ClusterInfo } from '@wharf/model';
import { WharfCommand } from '../../lib/base.js';
import { CliError } from '../../lib/errors.js';

/** `wharf cluster endpoints`: the cluster's API and NATS servers; with --write, client configs that reach every API server. */
export default class ClusterEndpoints extends WharfCommand {
  static override summary = 'List the API and NATS servers of the cluster; with --write, make this client\'s configs name every API server.';
  static override description = `Asks the API server (/cluster-info) which API servers and NATS servers the cluster has (every control-plane host's) and its control-plane endpoint.

With --write it rewrites the config file (--config, default ~/.wharf/config): "server" becomes the control-plane endpoint and "servers" lists every API server, so that wharf sends a request that cannot connect to the next one. It rewrites the kubeconfig next to it too: a kubeconfig names one server per cluster, and kubectl does not fail over, so it has the endpoint's entry (the current context) and one entry and context per API server, wharf-<cluster>-<host>: if the endpoint's host is gone, 'kubectl --context wharf-<cluster>-<host>' reaches another (or put a load balancer or a DNS name of every host behind the endpoint, as with kubeadm).`;

  static override examples = ['<%= config.bin %> cluster endpoints', '<%= config.bin %> cluster endpoints --write'];

  static override flags = {
    write: Flags.boolean({ description: 'Rewrite the config file and the kubeconfig next to it with every API server.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ClusterEndpoints);
    const conn = await this.connect(flags);
    const info = await conn.client.request<ClusterInfo>('GET', CLUSTER_INFO_PATH);
    const primary = info.controlPlaneEndpoint ? `https://${info.controlPlaneEndpoint}` : (info.apiServers[0] ?? conn.server);
    this.io.out(`control-plane endpoint: ${info.controlPlaneEndpoint ?? '(none: one control plane)'}\nAPI servers: ${info.apiServers.join(', ')}\nNATS servers: ${info.natsServers.join(', ')}\n`);
    if (!flags.write) return;
    const { readFile } = await import('node:fs/promises');
    const existing = JSON.parse(await readFile(flags.config, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const token = typeof existing.token === 'string' ? existing.token : flags.token;
    if (!token) throw new CliError(`${flags.config} holds no token: give --token`);
    const { writeEndpoints } = await import('../../lib/cluster/endpoints.js');
    const kubeconfig = writeEndpoints(flags.config, existing, { cluster: info.cluster, primary, apiServers: info.apiServers, token, certificateAuthority: conn.certificateAuthority ?? info.caCertificate });
    this.io.err(`wrote ${flags.config} (servers: ${[...new Set([primary, ...info.apiServers])].join(', ')}) and ${kubeconfig}\n`);
  }
}

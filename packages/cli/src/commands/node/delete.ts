import { Args } from '@oclif/core';
import { WharfCommand } from '../../lib/base.js';

/** `wharf node delete NAME`: removes a machine from the cluster. */
export default class NodeDelete extends WharfCommand {
  static override summary = 'Remove a node from the cluster and revoke its credentials.';
  static override description = `Deletes the Node. On a cluster made with 'wharf init', the API server first revokes the node's NATS users: the NATS servers close its agent's and proxy's connections and refuse their credentials from then on (a stolen node's keys are useless). Its pods are replaced on other nodes. To bring the machine back, run 'wharf reset' there and join it again with a new token. 'wharf delete node NAME' and 'kubectl delete node NAME' do the same.`;

  static override examples = ['<%= config.bin %> node delete worker-3'];
  static override args = { name: Args.string({ description: 'Name of the node.', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NodeDelete);
    const { client } = await this.connect(flags);
    await client.request('DELETE', `/api/v1/nodes/${encodeURIComponent(args.name)}`);
    this.io.out(`node/${args.name} deleted\n`);
  }
}

import { Args } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { WharfCommand } from '../../lib/base.js';

/** `wharf token delete ID`: revokes a token. */
export default class TokenDelete extends WharfCommand {
  static override summary = 'Delete (revoke) an API token and the role binding its creation made.';
  static override description = 'The token stops working at once on every API server of the cluster. ID is the first column of `wharf token list`. Only a cluster-admin may delete tokens.';
  static override examples = ['<%= config.bin %> token delete 3f2a9c01b7de'];
  static override args = { id: Args.string({ description: 'ID of the token (wharf token list).', required: true }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TokenDelete);
    const { client } = await this.connect(flags);
    const t = await new TokensApi(client).delete(args.id);
    this.io.out(`token "${t.id}" deleted\n`);
  }
}

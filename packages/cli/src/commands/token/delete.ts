import { Args } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { tokenIdOf } from '@wharf/model';
import { WharfCommand } from '../../lib/base.js';

/** `wharf token delete ID...`: revokes tokens. */
export default class TokenDelete extends WharfCommand {
  static override summary = 'Delete (revoke) tokens, and the role bindings their creation made.';
  static override description = 'Like `kubeadm token delete`: each argument is a token\'s id (the TOKEN ID column of `wharf token list`, the part before the dot) or the whole token. The token stops working at once on every API server of the cluster. Only a cluster-admin may delete tokens.';
  static override examples = ['<%= config.bin %> token delete abcdef', '<%= config.bin %> token delete abcdef.0123456789abcdef', '<%= config.bin %> token delete 3f2a9c01b7de'];
  static override strict = false;
  static override args = { id: Args.string({ description: 'ID of the token (wharf token list), or the whole token; several may be given.', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TokenDelete);
    const { client } = await this.connect(flags);
    const api = new TokensApi(client);
    for (const arg of argv as string[]) {
      // The id only: a whole token never goes into a URL (and so into a log).
      const t = await api.delete(tokenIdOf(arg));
      this.io.out(`${t.type === 'bootstrap' ? 'bootstrap token' : 'token'} "${t.id}" deleted\n`);
    }
  }
}

import { Flags } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { WharfCommand } from '../../lib/base.js';
import { toJson } from '../../lib/output.js';
import { tokenTable } from '../../lib/tokens.js';

/** `wharf token list`: the cluster's tokens, bootstrap and API, without their secrets. */
export default class TokenList extends WharfCommand {
  static override summary = 'List bootstrap and API tokens, as kubeadm token list, with their users and roles.';
  static override description = `Columns: TOKEN ID (the part of the token before the dot; tokens themselves are never shown again after creation, the server keeps only their hashes), TTL (time left; <forever>, or <invalid> once expired), EXPIRES, USAGES (join: a bootstrap token, which may only join a node; api: an API token), DESCRIPTION, EXTRA GROUPS (the groups of the token's user), USER, and ROLES (the roles the user holds through bindings, role@namespace for a role in one namespace). -o json adds the creation time. Only a cluster-admin may list tokens.`;
  static override examples = ['<%= config.bin %> token list', '<%= config.bin %> token list -o json'];

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format.', options: ['json'] }),
    'no-headers': Flags.boolean({ description: 'Do not print the table headers.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TokenList);
    const { client } = await this.connect(flags);
    const tokens = await new TokensApi(client).list();
    this.io.out(flags.output === 'json' ? toJson({ apiVersion: 'wharf.io/v1', kind: 'TokenList', items: tokens }) : tokenTable(tokens, new Date(), { noHeaders: flags['no-headers'] }));
  }
}

import { Flags } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { WharfCommand } from '../../lib/base.js';
import { toJson } from '../../lib/output.js';
import { tokenTable } from '../../lib/tokens.js';

/** `wharf token list`: the cluster's API tokens, without their secrets. */
export default class TokenList extends WharfCommand {
  static override summary = 'List API tokens: id, user, groups, roles, expiry and creation time.';
  static override description = 'Tokens themselves are never shown again after creation: the server keeps only hashes, and the ID is a prefix of one. ROLES lists the roles the user holds through bindings (role@namespace for a role in one namespace). Only a cluster-admin may list tokens.';
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

import { Flags } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { TOKEN_ROLES, type TokenRequest } from '@wharf/model';
import { WharfCommand } from '../../lib/base.js';
import { CliError } from '../../lib/errors.js';
import { toJson } from '../../lib/output.js';
import { parseTtl, rolesText } from '../../lib/tokens.js';

/** `wharf token create`: a new API token, bound to a role. */
export default class TokenCreate extends WharfCommand {
  static override summary = 'Create an API token, optionally bound to a role; print it once.';
  static override description = `The token is printed on stdout and never again (the server keeps only its hash); keep it, or delete it and make another. With --role, the token's user is bound to that role: cluster-wide, or only in --namespace. Without --user the user is token-<id>. Tokens expire after --ttl (default 24h; 0: never). Only a cluster-admin may create tokens.

Roles: cluster-admin (everything), edit (read and write pods, services, endpoints, replication controllers and events), view (read them), node (what a node needs: read pods, services, endpoints and nodes, report node and pod status, record events).`;

  static override examples = [
    '<%= config.bin %> token create --role view --namespace team-a --ttl 24h --user alice',
    '<%= config.bin %> token create --role edit --user ci --ttl 7d',
    '<%= config.bin %> token create --role node --user system:node:node-1 --ttl 0',
  ];

  static override flags = {
    role: Flags.string({ description: 'Role to bind the token\'s user to.', options: [...TOKEN_ROLES] }),
    ttl: Flags.string({ description: 'How long the token is valid, e.g. 30m, 24h, 7d (0: never expires).', default: '24h' }),
    user: Flags.string({ description: 'User name of the token (default token-<id>).' }),
    group: Flags.string({ description: 'A group of the token\'s user (repeatable).', multiple: true }),
    output: Flags.string({ char: 'o', description: 'Print the whole answer (id, user, roles, expiry and the token) as JSON.', options: ['json'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TokenCreate);
    const { client } = await this.connect(flags);
    // The global -n/--namespace is the binding's namespace here: only with --role.
    const namespace = flags.namespace;
    if (namespace && !flags.role) throw new CliError('--namespace is the scope of a role: give --role too');
    const request: TokenRequest = {
      ttlSeconds: parseTtl(flags.ttl),
      ...(flags.role ? { role: flags.role as TokenRequest['role'] } : {}),
      ...(namespace ? { namespace } : {}),
      ...(flags.user ? { user: flags.user } : {}),
      ...(flags.group?.length ? { groups: flags.group } : {}),
    };
    const created = await new TokensApi(client).create(request);
    if (flags.output === 'json') return this.io.out(toJson(created));
    this.io.out(created.token + '\n');
    this.io.err(`token ${created.id} for user "${created.user}" (roles: ${rolesText(created)}), ${created.expires ? `expires ${created.expires}` : 'never expires'}\n`);
  }
}

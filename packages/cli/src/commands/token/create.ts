import { Flags } from '@oclif/core';
import { TokensApi } from '@wharf/client';
import { TOKEN_ROLES, type TokenRequest } from '@wharf/model';
import { WharfCommand } from '../../lib/base.js';
import { CliError } from '../../lib/errors.js';
import { toJson } from '../../lib/output.js';
import { joinCommand, parseTtl, rolesText } from '../../lib/tokens.js';

/** `wharf token create`: a bootstrap token (kubeadm's), or with --role an API token bound to a role. */
export default class TokenCreate extends WharfCommand {
  static override summary = 'Create a bootstrap token for joining nodes, or with --role an API token; print it once.';
  static override description = `Like \`kubeadm token create\`: without --role the token is a bootstrap token, user system:bootstrap:<id> in group system:bootstrappers, which may only join a node (wharf join) and nothing else. With --print-join-command the whole \`wharf join\` line is printed instead: the token, the API server this CLI talks to, and the SHA-256 pin of the cluster CA's public key.

With --control-plane it is a bootstrap token that may also join control-plane hosts (wharf join --control-plane --certificate-key KEY): the control plane seals its secrets (CA key, NATS operator and accounts, route password) under a new certificate key printed here once, and hands the sealed secrets only to this token. Only on a cluster made with 'wharf init --control-plane-endpoint'.

With --role it is an API token: its user (--user, default token-<id>) is bound to that role, cluster-wide or only in --namespace.

A token looks like abcdef.0123456789abcdef; the part before the dot is its public id (wharf token list, wharf token delete). The token is printed on stdout and never again (the server keeps only its hash). Tokens expire after --ttl (default 24h; 0: never). Only a cluster-admin may create tokens.

Roles: cluster-admin (everything), edit (read and write pods, services, endpoints, replication controllers and events), view (read them), node (what a node needs: read pods, services, endpoints and nodes, report node and pod status, record events).`;

  static override examples = [
    '<%= config.bin %> token create',
    '<%= config.bin %> token create --print-join-command --ttl 2h --description "rack 4"',
    '<%= config.bin %> token create --control-plane --ttl 2h --print-join-command',
    '<%= config.bin %> token create --role view --namespace team-a --ttl 24h --user alice',
    '<%= config.bin %> token create --role edit --user ci --ttl 7d',
    '<%= config.bin %> token create --role node --user system:node:node-1 --ttl 0',
  ];

  static override flags = {
    role: Flags.string({ description: 'Make an API token and bind its user to this role (without it: a bootstrap token).', options: [...TOKEN_ROLES] }),
    ttl: Flags.string({ description: 'How long the token is valid, e.g. 30m, 24h, 7d (0: never expires).', default: '24h' }),
    description: Flags.string({ description: 'A human-readable note on what the token is for (shown by wharf token list).' }),
    'print-join-command': Flags.boolean({ description: 'Print the whole `wharf join` command for a new node instead of the token alone (bootstrap tokens only).', exclusive: ['role', 'output'] }),
    user: Flags.string({ description: 'User name of an API token (default token-<id>; needs --role).' }),
    group: Flags.string({ description: 'A group of an API token\'s user (repeatable; needs --role).', multiple: true }),
    'control-plane': Flags.boolean({ description: 'A bootstrap token that may also join control-plane hosts (wharf join --control-plane): the control plane seals its secrets under a new certificate key, printed once with the token. Keep the pair as you keep the CA key.', exclusive: ['role'] }),
    output: Flags.string({ char: 'o', description: 'Print the whole answer (id, user, roles, expiry and the token) as JSON.', options: ['json'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TokenCreate);
    const conn = await this.connect(flags);
    // The global -n/--namespace is the binding's namespace here: only with --role.
    const namespace = flags.namespace;
    if (!flags.role) {
      if (namespace) throw new CliError('--namespace is the scope of a role: give --role too');
      if (flags.user || flags.group?.length) throw new CliError('--user and --group are for API tokens: give --role too (without --role the token is a bootstrap token, user system:bootstrap:<id>)');
    }
    const request: TokenRequest = {
      type: flags.role ? 'api' : 'bootstrap',
      ttlSeconds: parseTtl(flags.ttl),
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.role ? { role: flags.role as TokenRequest['role'] } : {}),
      ...(flags['control-plane'] ? { controlPlane: true } : {}),
      ...(namespace ? { namespace } : {}),
      ...(flags.user ? { user: flags.user } : {}),
      ...(flags.group?.length ? { groups: flags.group } : {}),
    };
    // Check the CA before making a token that would be useless without it.
    if (flags['print-join-command']) joinCommand(this.config.bin, 'abcdef.0123456789abcdef', conn.server, conn.certificateAuthority);
    const created = await new TokensApi(conn.client).create(request);
    if (flags.output === 'json') return this.io.out(toJson(created));
    const cp = created.certificateKey ? ` --control-plane --certificate-key ${created.certificateKey}` : '';
    if (flags['print-join-command']) return this.io.out(joinCommand(this.config.bin, created.token, conn.server, conn.certificateAuthority) + cp + '\n');
    this.io.out(created.token + '\n');
    if (created.certificateKey) this.io.out(`certificate key: ${created.certificateKey}\n`);
    const what = created.type === 'bootstrap' ? 'bootstrap token' : 'token';
    this.io.err(`${what} ${created.id} for user "${created.user}" (roles: ${rolesText(created)}), ${created.expires ? `expires ${created.expires}` : 'never expires'}\n`);
  }
}

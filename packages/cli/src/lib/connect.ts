/** From the connection flags to a client: what every command shares, without oclif (the fast path uses it too). */
import { readFile } from 'node:fs/promises';
import { WharfClient } from '@wharf/client';
import { CliError } from './errors.js';
import { readConfigFile, resolveConfig } from './config.js';
import type { FlagValues, GLOBAL_FLAGS } from './flagspec.js';

/** Writes to stdout and stderr; commands and the logic they call print only through this. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** What a command needs to talk to the server. */
export interface Connection {
  client: WharfClient;
  /** The namespace to use: -n, else the config file's, else "default". */
  namespace: string;
  /** The namespace given with -n, if any (objects naming another namespace are then refused). */
  explicitNamespace: string | undefined;
  /** The API server's URL, as resolved. */
  server: string;
  /** PEM of the CA the server is verified with (--certificate-authority or the config file's), if any. */
  certificateAuthority: string | undefined;
}

/** The global flags as parsed (a flag's environment variable already applied). */
export type ConnectFlags = Partial<FlagValues<typeof GLOBAL_FLAGS>> & { config: string };

/** Resolves server, token and namespace (flag > env > config file > default) and builds the client. */
export async function connect(flags: ConnectFlags): Promise<Connection> {
  const file = await readConfigFile(flags.config);
  let certificateAuthority: string | undefined;
  if (flags['certificate-authority']) {
    certificateAuthority = await readFile(flags['certificate-authority'], 'utf8').catch((e: Error) => {
      throw new CliError(`cannot read --certificate-authority: ${e.message}`);
    });
  }
  const cfg = resolveConfig({ server: flags.server, token: flags.token, namespace: flags.namespace, ...(certificateAuthority ? { certificateAuthority } : {}) }, process.env, file);
  const client = new WharfClient({
    server: cfg.server,
    servers: cfg.servers,
    ...(cfg.token ? { token: cfg.token } : {}),
    ...(cfg.certificateAuthority ? { certificateAuthority: cfg.certificateAuthority } : {}),
    insecureSkipTlsVerify: Boolean(flags['insecure-skip-tls-verify']),
  });
  return { client, namespace: cfg.namespace, explicitNamespace: flags.namespace, server: cfg.server, certificateAuthority: cfg.certificateAuthority };
}

/** The base of every wharf command: shared connection flags, config resolution and kubectl-style error output. */
import { readFile } from 'node:fs/promises';
import { Command, Errors, Flags } from '@oclif/core';
import { CliError } from './errors.js';
import { WharfClient } from '@wharf/client';
import { defaultConfigPath, readConfigFile, resolveConfig } from './config.js';
import { formatError } from './errors.js';

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

/** oclif's parse-error text reduced to one line (no "See more help", no preamble). */
export function usageMessage(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^The following errors? occurred:?$/.test(l) && !/^See more help/.test(l));
  return lines.join('; ');
}

/** Shared flags and behaviour; subclasses call `connect(flags)` after `parse`. */
export abstract class WharfCommand extends Command {
  static override baseFlags = {
    server: Flags.string({ description: 'Address of the Wharf API server (default http://127.0.0.1:6443, or the config file\'s).', env: 'WHARF_SERVER', helpGroup: 'GLOBAL' }),
    token: Flags.string({ description: 'Bearer token for authentication to the API server.', env: 'WHARF_TOKEN', helpGroup: 'GLOBAL' }),
    namespace: Flags.string({ char: 'n', description: 'Namespace for this request (default: the config file\'s, else "default").', helpGroup: 'GLOBAL' }),
    config: Flags.string({ description: 'Path of the JSON config file ({"server", "token", "namespace", "certificateAuthority"}).', env: 'WHARF_CONFIG', default: defaultConfigPath(), helpGroup: 'GLOBAL' }),
    'certificate-authority': Flags.string({ description: 'Path to a CA certificate (PEM) to verify the server with (default: the config file\'s).', env: 'WHARF_CA', helpGroup: 'GLOBAL' }),
    'insecure-skip-tls-verify': Flags.boolean({ description: 'Do not verify the server\'s certificate (insecure).', helpGroup: 'GLOBAL' }),
  };

  protected readonly io: Io = processIo;

  /** Resolves server, token and namespace (flag > env > config file > default) and builds the client. */
  protected async connect(flags: { server?: string; token?: string; namespace?: string; config: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean }): Promise<Connection> {
    const file = await readConfigFile(flags.config);
    let certificateAuthority: string | undefined;
    if (flags['certificate-authority']) {
      certificateAuthority = await readFile(flags['certificate-authority'], 'utf8').catch((e: Error) => {
        throw new CliError(`cannot read --certificate-authority: ${e.message}`);
      });
    }
    const cfg = resolveConfig({ ...flags, ...(certificateAuthority ? { certificateAuthority } : {}) }, process.env, file);
    const client = new WharfClient({
      server: cfg.server,
      servers: cfg.servers,
      ...(cfg.token ? { token: cfg.token } : {}),
      ...(cfg.certificateAuthority ? { certificateAuthority: cfg.certificateAuthority } : {}),
      insecureSkipTlsVerify: Boolean(flags['insecure-skip-tls-verify']),
    });
    return { client, namespace: cfg.namespace, explicitNamespace: flags.namespace, server: cfg.server, certificateAuthority: cfg.certificateAuthority };
  }

  /** Prints a failure the way kubectl does (one line, no stack; usage errors add kubectl's "See ... --help" hint) and sets exit code 1. */
  override async catch(err: Error & { oclif?: { exit?: number } }): Promise<void> {
    if (err instanceof Errors.ExitError) return super.catch(err);
    if ('parse' in err) this.io.err(`error: ${usageMessage(err.message)}\nSee '${this.config.bin} ${this.id ?? ''} --help' for usage.\n`);
    else this.io.err(formatError(err) + '\n');
    process.exitCode = 1;
  }
}

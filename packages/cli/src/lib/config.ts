/** Where the CLI finds the server, token and namespace: flag > environment > config file > default. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

/** The server the CLI talks to when nothing says otherwise. */
export const DEFAULT_SERVER = 'https://127.0.0.1:6443';

/** The resolved connection settings. */
export interface WharfConfig {
  server: string;
  /** Every API server of the cluster (the control-plane hosts), `server` first. */
  servers: string[];
  token?: string;
  namespace: string;
  /** PEM of the cluster CA. */
  certificateAuthority?: string;
}

/** The config file's JSON shape (written by wharf-api on first start; `servers` by `wharf cluster endpoints --write`). */
export type ConfigFile = Partial<Omit<WharfConfig, 'servers'>> & { servers?: string[] };

/** `~/.wharf/config` (or under `home`). */
export function defaultConfigPath(home = homedir()): string {
  return join(home, '.wharf', 'config');
}

/** The config file at `path`; undefined when it does not exist; CliError when it is not a JSON object. */
export async function readConfigFile(path: string): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object');
    const o = v as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
    const servers = Array.isArray(o.servers) && o.servers.every((x) => typeof x === 'string' && x !== '') ? (o.servers as string[]) : undefined;
    return Object.fromEntries(Object.entries({ server: str('server'), servers, token: str('token'), namespace: str('namespace'), certificateAuthority: str('certificateAuthority') }).filter(([, x]) => x !== undefined));
  } catch (e) {
    throw new CliError(`invalid config file ${path}: ${(e as Error).message}`);
  }
}

/** Settings given on the command line (undefined when absent). */
export interface ConfigFlags {
  server?: string;
  token?: string;
  namespace?: string;
  /** PEM text of --certificate-authority. */
  certificateAuthority?: string;
}

/** Merges the sources, each field taking the first set value of flag, env (WHARF_SERVER, WHARF_TOKEN), file, default. */
export function resolveConfig(flags: ConfigFlags, env: Record<string, string | undefined>, file: ConfigFile = {}): WharfConfig {
  const pick = (...xs: (string | undefined)[]) => xs.find((x) => x !== undefined && x !== '');
  const token = pick(flags.token, env.WHARF_TOKEN, file.token);
  const ca = pick(flags.certificateAuthority, file.certificateAuthority);
  const server = pick(flags.server, env.WHARF_SERVER, file.server) ?? DEFAULT_SERVER;
  // A server given on the command line or in the environment is the only one; the file's list goes with the file's server.
  const fromFile = pick(flags.server, env.WHARF_SERVER) === undefined;
  return {
    server,
    servers: [...new Set([server, ...(fromFile ? (file.servers ?? []) : [])])],
    ...(token ? { token } : {}),
    ...(ca ? { certificateAuthority: ca } : {}),
    namespace: pick(flags.namespace, file.namespace) ?? 'default',
  };
}

/**
 * Command-line flags of the daemons (wharf-api, wharf-reconcilers, wharf-agent, wharf-proxy):
 * each flag may also come from an environment variable, and `--help` prints them all.
 */
import { parseArgs } from 'node:util';
import type { NatsAuth } from './connect.js';

/** One flag: its help text, default and environment variable. */
export interface FlagSpec {
  description: string;
  type?: 'string' | 'boolean';
  default?: string;
  env?: string;
  required?: boolean;
}

/** The default of --shutdown-timeout, in seconds. */
export const DEFAULT_SHUTDOWN_SECONDS = 10;

/** The flags every component shares. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  nats: { description: 'NATS server URL(s), comma-separated', default: 'nats://127.0.0.1:4222', env: 'WHARF_NATS_URL' },
  cluster: { description: 'cluster name: prefixes every stream and subject', default: 'default', env: 'WHARF_CLUSTER' },
  'nats-creds': { description: 'NATS credentials file of this component (a user JWT and its seed; `wharf init`/`join` write it)', env: 'WHARF_NATS_CREDS' },
  'nats-ca': { description: 'CA certificate that signs the NATS server\'s certificate (TLS)', env: 'WHARF_NATS_CA' },
  'nats-cert': { description: 'this component\'s TLS client certificate for NATS', env: 'WHARF_NATS_CERT' },
  'nats-key': { description: 'the private key of --nats-cert', env: 'WHARF_NATS_KEY' },
  'nats-servers-file': { description: 'a file where this component keeps the NATS servers the cluster announces, read at start along with --nats (so a restart finds control-plane hosts that joined after this node did)', env: 'WHARF_NATS_SERVERS_FILE' },
  'shutdown-timeout': {
    description: 'seconds a graceful stop may take before the process exits 1 (a second signal exits at once)',
    default: String(DEFAULT_SHUTDOWN_SECONDS),
    env: 'WHARF_SHUTDOWN_TIMEOUT',
  },
};

/** The NATS credentials and TLS files given by the common flags. */
export function natsAuthOf(values: Record<string, string | boolean | undefined>): NatsAuth {
  const str = (k: string) => (typeof values[k] === 'string' && values[k] !== '' ? (values[k] as string) : undefined);
  return { credsFile: str('nats-creds'), caFile: str('nats-ca'), certFile: str('nats-cert'), keyFile: str('nats-key'), serversFile: str('nats-servers-file') };
}

/** Raised for bad command lines; the message is for the user. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Renders --help for a daemon. */
export function helpText(bin: string, summary: string, flags: Record<string, FlagSpec>): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `  --${name}${f.type === 'boolean' ? '' : ' VALUE'}`;
    const extra = [f.default !== undefined ? `default ${JSON.stringify(f.default)}` : '', f.env ? `env ${f.env}` : '', f.required ? 'required' : '']
      .filter(Boolean)
      .join(', ');
    return `${left.padEnd(28)} ${f.description}${extra ? ` (${extra})` : ''}`;
  });
  return `${summary}\n\nUsage: ${bin} [flags]\n\nFlags:\n${rows.join('\n')}\n  --help                     show this help\n`;
}

/**
 * Parses argv against `flags` (plus COMMON_FLAGS). Prints help and exits on --help. Values come
 * from flags, then the environment, then defaults. Throws UsageError on unknown or missing flags.
 */
export function parseFlags(bin: string, summary: string, flags: Record<string, FlagSpec>, argv = process.argv.slice(2)): Record<string, string | boolean | undefined> {
  const all = { ...COMMON_FLAGS, ...flags };
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [n, f] of Object.entries(all)) options[n] = { type: f.type ?? 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nRun '${bin} --help' for usage.`);
  }
  if (values.help) {
    process.stdout.write(helpText(bin, summary, all));
    process.exit(0);
  }
  for (const [n, f] of Object.entries(all)) {
    if (values[n] === undefined && f.env && process.env[f.env] !== undefined && process.env[f.env] !== '') {
      values[n] = f.type === 'boolean' ? ['1', 'true', 'yes'].includes(process.env[f.env]!.toLowerCase()) : process.env[f.env];
    }
    if (values[n] === undefined && f.default !== undefined) values[n] = f.type === 'boolean' ? f.default === 'true' : f.default;
    if (f.required && values[n] === undefined) throw new UsageError(`missing required flag --${n}${f.env ? ` (or ${f.env})` : ''}\nRun '${bin} --help' for usage.`);
  }
  return values;
}

/** Runs a daemon's main, turning known start-up failures into one clear line and exit code 1. */
export function runMain(bin: string, main: () => Promise<void>): void {
  main().catch((e: Error) => {
    const known = ['UsageError', 'NatsUnavailableError', 'DockerUnavailableError', 'StartupError'].includes(e.name);
    process.stderr.write(`${bin}: ${known ? e.message : (e.stack ?? e.message)}\n`);
    process.exit(known && e.name === 'UsageError' ? 2 : 1);
  });
}

/** A start-up problem the user can fix; printed without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

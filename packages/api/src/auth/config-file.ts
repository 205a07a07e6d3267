/** The CLI's config file (~/.wharf/config): where the API hands over the admin token. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The default config path, as the CLI reads it. */
export function defaultConfigPath(): string {
  return process.env.WHARF_CONFIG || join(homedir(), '.wharf', 'config');
}

/** Writes server and token for the CLI, readable by the owner only. */
export function writeCliConfig(path: string, server: string, token: string, cluster: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify({ server, token, cluster }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

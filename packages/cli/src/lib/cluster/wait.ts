/** Waiting for a condition, with a failure that points at the logs. */
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** Polls `check` every 250 ms until it is true; after `timeoutMs` fails naming what and the logs. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, runDir: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError(`timed out after ${timeoutMs / 1000} s waiting for ${what}; see the logs in ${join(runDir, 'logs')} (or journalctl -u wharf-*)`);
}

/** Runs openssl in a scratch folder; its failures become one-line `OpensslError`s. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** openssl is missing or failed; `missing` tells which. The message is one line for the user. */
export class OpensslError extends Error {
  override name = 'OpensslError';
  constructor(message: string, readonly missing: boolean) {
    super(message);
  }
}

/** Runs `openssl ARGS` in `cwd`; throws `OpensslError` with openssl's own complaint. */
export function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new OpensslError('openssl is not installed (apt-get install openssl)', true);
    const said = err.stderr?.toString().trim().split('\n')[0];
    throw new OpensslError(`openssl ${args[0]} failed: ${said || err.message}`, false);
  }
}

/** Calls `work` with a fresh private scratch folder and removes the folder afterwards. */
export function inScratch<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-pki-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

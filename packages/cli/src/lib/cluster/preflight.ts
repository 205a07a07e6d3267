/** Checks before init and join change anything; each failure says what is wrong and what to do. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { CliError } from '../errors.js';

/** The machine's non-loopback IPv4 addresses, in interface order. */
export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

/** The advertise address: the given one (which must be this machine's), else the first local address. */
export function advertiseAddress(given: string | undefined): string {
  const mine = localAddresses();
  if (given) {
    if (given !== '127.0.0.1' && !mine.includes(given)) throw new CliError(`--advertise-address ${given} is not an address of this machine (it has ${mine.join(', ') || 'none but 127.0.0.1'})`);
    return given;
  }
  if (!mine.length) throw new CliError('this machine has no address other machines could reach: give --advertise-address');
  return mine[0]!;
}

/** Fails unless nats-server 2.10 or newer is installed. */
export function checkNatsServer(): void {
  let out: string;
  try {
    out = execFileSync('nats-server', ['--version'], { encoding: 'utf8' });
  } catch {
    throw new CliError('nats-server is not installed: run scripts/install-deps.sh (it installs Debian 13\'s nats-server 2.10)');
  }
  const m = /v(\d+)\.(\d+)/.exec(out);
  if (!m || Number(m[1]) < 2 || (Number(m[1]) === 2 && Number(m[2]) < 10)) throw new CliError(`nats-server ${out.trim()} is too old: Wharf needs 2.10 or newer (scripts/install-deps.sh)`);
}

/** Fails unless the Docker engine's socket exists. */
export function checkDocker(socket: string): void {
  if (!existsSync(socket)) throw new CliError(`the Docker engine's socket ${socket} does not exist: install docker.io and start dockerd (scripts/ensure-dockerd.sh), or give --docker-socket`);
}

/** Fails when host:port is taken. */
export async function checkPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => reject(new CliError(`${host}:${port} (${what}) is not free: ${e.code}; stop what uses it, or pick another port`)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

/**
 * Makes the service CIDR local on this machine (AnyIP), so that the proxy can listen on any
 * cluster IP and nothing sent to the range leaves the machine: an empty bridge-type link
 * `wharfs<8 hex of sha256(cluster)>` (the dummy link type is not available everywhere), up, and
 * `ip route replace local <serviceCIDR> dev <link> table local`. The route goes with the link, so
 * removing the link undoes it all (`wharf reset`). A proxy that stops leaves both in place: while
 * it restarts, connections to a cluster IP are refused here instead of being routed away.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatIpv4Cidr, type Ipv4Cidr } from '@wharf/model';
import type { Logger } from '@wharf/store';

/** A change to the machine's links or routes failed; the message is one line for the user. */
export class LocalRangeError extends Error {
  override name = 'LocalRangeError';
}

/** The link that carries the cluster's service range: `wharfs` and 8 hex digits of sha256(cluster) (14 characters). */
export function serviceLinkName(cluster: string): string {
  return `wharfs${createHash('sha256').update(cluster).digest('hex').slice(0, 8)}`;
}

/** The destinations of the `local` routes in `ip -4 route show table local dev LINK` output (pure). */
export function localRoutesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'local' && words[1]) out.push(words[1].includes('/') ? words[1] : `${words[1]}/32`);
  }
  return out;
}

/** Whether a capability is in the effective set of a `/proc/PID/status` text (pure); undefined when the text has no CapEff line. */
export function hasCapability(status: string, bit: number): boolean | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(status);
  if (!m) return undefined;
  return (BigInt(`0x${m[1]}`) >> BigInt(bit)) % 2n === 1n;
}

/** CAP_NET_ADMIN's bit: needed to add links and routes. */
export const CAP_NET_ADMIN = 12;

function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return reject(new LocalRangeError('the `ip` command (iproute2) is not installed; install iproute2'));
      reject(new LocalRangeError(`ip ${args.join(' ')}: ${(stderr || e.message).trim().split('\n')[0]}`));
    });
  });
}

/** Throws a LocalRangeError (one line) unless this process may change links and routes and `ip` runs. */
export async function checkLocalRangePrerequisites(cidr: Ipv4Cidr): Promise<void> {
  let allowed: boolean | undefined;
  try {
    allowed = hasCapability(readFileSync('/proc/self/status', 'utf8'), CAP_NET_ADMIN);
  } catch {
    allowed = undefined;
  }
  allowed ??= process.getuid?.() === 0;
  if (!allowed) throw new LocalRangeError(`making the service CIDR ${formatIpv4Cidr(cidr)} local needs root (CAP_NET_ADMIN): run wharf-proxy as root, or give --service-cidr off to serve NodePorts only`);
  await ip(['-V']);
}

/** Whether the link exists and is up, and carries exactly the local route of `cidr`. */
export async function localRangeInPlace(link: string, cidr: Ipv4Cidr): Promise<boolean> {
  let flags: number;
  try {
    flags = Number.parseInt(readFileSync(`/sys/class/net/${link}/flags`, 'utf8').trim(), 16);
  } catch {
    return false;
  }
  if ((flags & 1) === 0) return false;
  const routes = localRoutesOf(await ip(['-4', 'route', 'show', 'table', 'local', 'dev', link]));
  return routes.length === 1 && routes[0] === formatIpv4Cidr(cidr);
}

/** Makes `cidr` local on `link` (creates it, brings it up, replaces the route, drops other local routes on it). Idempotent. */
export async function ensureLocalRange(link: string, cidr: Ipv4Cidr): Promise<void> {
  const range = formatIpv4Cidr(cidr);
  await ip(['link', 'add', link, 'type', 'bridge']).catch((e: Error) => {
    if (!/File exists/.test(e.message)) throw e;
  });
  await ip(['link', 'set', link, 'up']);
  await ip(['route', 'replace', 'local', range, 'dev', link, 'table', 'local']);
  for (const stale of localRoutesOf(await ip(['-4', 'route', 'show', 'table', 'local', 'dev', link]))) {
    if (stale !== range) await ip(['route', 'del', 'local', stale, 'dev', link, 'table', 'local']);
  }
}

/** Removes the cluster's service range link and with it its route (for `wharf reset`); false when there was none. */
export async function removeServiceRange(cluster: string): Promise<boolean> {
  const link = serviceLinkName(cluster);
  try {
    readFileSync(`/sys/class/net/${link}/flags`);
  } catch {
    return false;
  }
  await ip(['link', 'del', link]);
  return true;
}

/** Keeps the service range local: `ensure` checks cheaply (one `ip` call) and restores what is missing; one call at a time. */
export class LocalRange {
  readonly link: string;
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly cluster: string, readonly cidr: Ipv4Cidr, readonly log: Logger) {
    this.link = serviceLinkName(cluster);
  }

  /** Checks, and restores the link or route when missing; failures are logged (the next check tries again). */
  ensure(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#check().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        void this.ensure();
      }
    });
    return this.#running;
  }

  async #check(): Promise<void> {
    try {
      if (await localRangeInPlace(this.link, this.cidr)) return;
      await ensureLocalRange(this.link, this.cidr);
      this.log.info({ link: this.link, serviceCidr: formatIpv4Cidr(this.cidr) }, 'service CIDR made local');
    } catch (err) {
      this.log.error({ link: this.link, err: (err as Error).message }, 'cannot make the service CIDR local; retrying');
    }
  }

  /** Checks every `intervalMs` from now on. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.ensure(), intervalMs);
    this.#timer.unref();
  }

  /** Stops checking; the link and route stay (see the module's note). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}

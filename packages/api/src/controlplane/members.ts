/**
 * The control-plane hosts of a cluster made with `wharf init --control-plane-endpoint`. Their list
 * lives in the auth bucket (CONTROL_PLANE_MEMBERS_KEY, compare-and-set); each wharf-api adds its
 * own host at start, a control-plane join adds the joiner, and every wharf-api follows the list:
 * it rewrites its host's NATS routes file (every member's route, the seed's until it retired) and
 * makes nats-server reload it (SIGHUP), stops the bootstrap seed server once it retired (on the
 * first host), and advertises every member's API and NATS URLs to joining nodes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KV } from '@nats-io/kv';
import { CONTROL_PLANE_MEMBERS_KEY, type ControlPlaneMember, type ControlPlaneMembers, routeUrls, withMember } from '@wharf/model';
import { KvFollow, type Logger, routesFileText } from '@wharf/store';
import type { Advertised } from '../join/credentials.js';

/** The route user and password (the pki directory's nats-route.json, written by wharf init). */
export interface RouteSecret {
  user: string;
  password: string;
}

/** The file next to the control plane's secrets that holds the route secret. */
export const ROUTE_SECRET_FILE = 'nats-route.json';

/** Reads the route secret of a pki directory; undefined when the cluster was made for one control plane. */
export function readRouteSecret(pkiDir: string): RouteSecret | undefined {
  const f = join(pkiDir, ROUTE_SECRET_FILE);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RouteSecret) : undefined;
}

/** What this host's wharf-api does for the members list. */
export interface LocalControlPlane {
  /** This host, as the list records it. */
  self: ControlPlaneMember;
  /** HOST:PORT recorded when the list is made (init). */
  endpoint?: string | undefined;
  /** The seed server recorded when the list is made (init): its server name and route URL. */
  seed?: { name: string; routeUrl: string } | undefined;
  /** The routes file this host's nats-server includes, and its pid file (SIGHUP after a rewrite). */
  routesFile: string;
  natsPidFile?: string | undefined;
  /** Where init's detached services keep their pid and saved flags (to stop the retired seed). */
  runDir?: string | undefined;
  secret: RouteSecret;
}

/** The seed server's service name (init starts it next to wharf-nats). */
export const SEED_SERVICE = 'wharf-nats-seed';

/** Follows and edits the members list. */
export class ControlPlaneMembersList {
  #current: ControlPlaneMembers | undefined;
  #stop: (() => void) | undefined;
  #routes = '';

  constructor(
    readonly kv: KV,
    readonly local: LocalControlPlane | undefined,
    readonly advertised: Advertised,
    readonly log: Logger,
  ) {}

  /** The list as last seen. */
  get current(): ControlPlaneMembers | undefined {
    return this.#current;
  }

  /** Records this host (making the list when there is none), then follows the list. */
  async start(): Promise<void> {
    const l = this.local;
    if (l) await this.update((m) => withMember(m ?? { ...(l.endpoint ? { endpoint: l.endpoint } : {}), members: [], ...(l.seed ? { seed: { ...l.seed, retired: false } } : {}) }, l.self));
    const it = new KvFollow(this.kv, { key: CONTROL_PLANE_MEMBERS_KEY, log: this.log });
    this.#stop = () => it.stop();
    const first = await this.kv.get(CONTROL_PLANE_MEMBERS_KEY);
    if (first?.operation === 'PUT') this.#apply(first.json<ControlPlaneMembers>());
    void (async () => {
      for await (const e of it) if (e.operation === 'PUT') this.#apply(e.json<ControlPlaneMembers>());
    })();
  }

  /** Changes the list with `f` (compare-and-set, retried when another writer got there first); returns the new list. */
  async update(f: (m: ControlPlaneMembers | undefined) => ControlPlaneMembers): Promise<ControlPlaneMembers> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.kv.get(CONTROL_PLANE_MEMBERS_KEY);
      const before = cur?.operation === 'PUT' ? cur.json<ControlPlaneMembers>() : undefined;
      const next = f(before);
      try {
        if (cur) await this.kv.update(CONTROL_PLANE_MEMBERS_KEY, JSON.stringify(next), cur.revision);
        else await this.kv.create(CONTROL_PLANE_MEMBERS_KEY, JSON.stringify(next));
        this.#apply(next);
        return next;
      } catch (e) {
        if (attempt >= 9) throw e;
        await new Promise((r) => setTimeout(r, 50 + attempt * 50));
      }
    }
  }

  /** Stops following the list. */
  close(): void {
    this.#stop?.();
  }

  #apply(m: ControlPlaneMembers): void {
    this.#current = m;
    const union = (mine: string[], theirs: string[]) => [...new Set([...mine, ...theirs])];
    this.advertised.apiServers = union(this.advertised.apiServers, m.members.map((x) => x.apiUrl));
    this.advertised.natsServers = union(this.advertised.natsServers, m.members.map((x) => x.natsUrl));
    const l = this.local;
    if (!l) return;
    const text = routesFileText(routeUrls(m), l.secret.user, l.secret.password);
    if (text !== this.#routes) {
      this.#routes = text;
      const old = existsSync(l.routesFile) ? readFileSync(l.routesFile, 'utf8') : '';
      if (old !== text) {
        writeFileSync(l.routesFile, text, { mode: 0o600 });
        this.#reloadNats();
        this.log.info({ routes: routeUrls(m) }, 'rewrote the NATS routes of this control-plane host');
      }
    }
    if (m.seed?.retired && l.seed && l.runDir) this.#stopSeed(l.runDir);
  }

  #reloadNats(): void {
    const pidFile = this.local?.natsPidFile;
    if (!pidFile || !existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGHUP');
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not make nats-server reload its routes');
    }
  }

  /** Stops the retired seed server (its systemd unit, or its detached process) and forgets it, so that `wharf start` does not start it again. */
  #stopSeed(runDir: string): void {
    const unit = `/etc/systemd/system/${SEED_SERVICE}.service`;
    try {
      if (existsSync(unit)) {
        execFileSync('systemctl', ['disable', '--now', `${SEED_SERVICE}.service`]);
        rmSync(unit, { force: true });
      }
      const pidFile = join(runDir, `${SEED_SERVICE}.pid`);
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
        } catch {
          // Already gone.
        }
        rmSync(pidFile, { force: true });
        rmSync(join(runDir, `${SEED_SERVICE}.json`), { force: true });
        this.log.info('stopped the retired bootstrap NATS server (the third control-plane host joined)');
      }
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not stop the retired bootstrap NATS server');
    }
  }
}

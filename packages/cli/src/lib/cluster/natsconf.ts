/**
 * The nats-server configs of a control-plane host, for init and `join --control-plane`. A cluster
 * made for more control planes (init --control-plane-endpoint) runs every NATS server in a
 * cluster: routes over mutual TLS with the cluster CA plus a route password (a node's certificate
 * alone cannot open a route), the routes in a file of their own that wharf-api rewrites from the
 * members list. JetStream's clustered mode needs two servers to elect its first leader, so the
 * first host also runs a small seed server until the third control-plane host has joined.
 */
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { type ControlPlaneMembers, routeUrls } from '@wharf/model';
import { NatsIdentity, PKI_FILES, routesFileText, secureServerConfig } from '@wharf/store';
import { CliError } from '../errors.js';
import { paths, writeSecret } from './layout.js';

/** The route secret file in the pki directory (wharf-api reads it too). */
export const ROUTE_SECRET_FILE = 'nats-route.json';

/** A new route user and password. */
export function newRouteSecret(): { user: string; password: string } {
  return { user: 'wharf-route', password: randomBytes(24).toString('hex') };
}

/** ADDRESS[:PORT] of --control-plane-endpoint, with the API port as the default. */
export function parseEndpoint(text: string, apiPort: number): { host: string; port: number } {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[2] === undefined ? apiPort : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new CliError(`--control-plane-endpoint "${text}" is not ADDRESS[:PORT] (a DNS name or IPv4 address, e.g. 10.0.0.100:6443)`);
  return { host: m[1]!, port };
}

/** What one server's config needs. */
export interface ServerConf {
  p: ReturnType<typeof paths>;
  identity: NatsIdentity;
  /** The account JWT to preload (with the cluster's current revocations). */
  accountJwt: string;
  serverName: string;
  listen: string;
  storeDir: string;
  resolverDir: string;
  cluster?: { name: string; listen: string; secret: { user: string; password: string }; noAdvertise?: boolean };
  pidFile?: string;
}

/** The config text of one server. */
export async function serverConfText(c: ServerConf): Promise<string> {
  const tls = { certFile: c.p.natsCert, keyFile: c.p.natsKey, caFile: c.p.caCert };
  return secureServerConfig({
    serverName: c.serverName,
    listen: c.listen,
    storeDir: c.storeDir,
    resolverDir: c.resolverDir,
    operatorJwt: await c.identity.operatorJwt(),
    systemAccount: c.identity.systemAccountKey,
    preload: { [c.identity.systemAccountKey]: await c.identity.systemAccountJwt(), [c.identity.accountKey]: c.accountJwt },
    tls,
    ...(c.pidFile ? { pidFile: c.pidFile } : {}),
    ...(c.cluster ? { cluster: { name: c.cluster.name, listen: c.cluster.listen, routesFile: basename(c.p.natsRoutes), user: c.cluster.secret.user, password: c.cluster.secret.password, tls, ...(c.cluster.noAdvertise ? { noAdvertise: true } : {}) } } : {}),
  });
}

/** Writes the routes file from the members list (what wharf-api then keeps current). */
export function writeRoutes(p: ReturnType<typeof paths>, members: ControlPlaneMembers, secret: { user: string; password: string }): void {
  writeSecret(p.natsRoutes, routesFileText(routeUrls(members), secret.user, secret.password));
}

/** The name of a cluster's NATS cluster. */
export const natsClusterName = (cluster: string): string => `wharf-${cluster}`;

/** The pki file of the route secret. */
export const routeSecretPath = (p: ReturnType<typeof paths>): string => join(p.pki, ROUTE_SECRET_FILE);

/** The pki file names a control-plane host has. */
export const PKI = PKI_FILES;

/**
 * Runs one probe (I/O): `exec` inside the container through the runtime (exit code 0 is a
 * success), `tcpSocket` as a TCP connect, `httpGet` as an HTTP GET answered with 200-399. Network
 * probes go to the pod's address on the runtime's bridge network and the container port, as the
 * kubelet probes the pod IP, so unpublished ports work too; without a bridge address they go to
 * the port published on the node's address.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Probe } from '@wharf/model';
import type { ContainerInfo, Runtime } from '../runtime/runtime.js';

/** Where and how to probe one container instance. */
export interface ProbeTarget {
  /** The container instance (exec runs in it). */
  id: string;
  container: Container;
  /** The container holding the pod's network (its infra container, or its one container): its bridge address and published ports. */
  sandbox: ContainerInfo | undefined;
  /** The node's address (published ports bind to it). */
  address: string;
}

/** Raised when a probe names a port the container does not declare. */
export class ProbePortError extends Error {
  override name = 'ProbePortError';
}

/** The host and port to reach a container port on (bridge address, else the published port). */
export function endpointOf(t: ProbeTarget, port: number | string, host?: string): { host: string; port: number } {
  const cp = typeof port === 'number' ? port : t.container.ports?.find((p) => p.name === port)?.containerPort;
  if (cp === undefined) throw new ProbePortError(`port "${port}" is not a named port of container ${t.container.name}`);
  if (host) return { host, port: cp };
  if (t.sandbox?.ip) return { host: t.sandbox.ip, port: cp };
  const pub = t.sandbox?.ports.find((p) => p.containerPort === cp && p.protocol === 'tcp');
  if (!pub) throw new ProbePortError(`port ${cp} of container ${t.container.name} is neither reachable on a bridge address nor published`);
  return { host: pub.hostIp && pub.hostIp !== '0.0.0.0' ? pub.hostIp : t.address, port: pub.hostPort };
}

function tcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

function http(p: NonNullable<Probe['httpGet']>, host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.32', connection: 'close' };
    for (const h of p.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
    const send = p.scheme === 'HTTPS' ? httpsRequest : request;
    const req = send({ host, port, path: p.path ?? '/', method: 'GET', headers, timeout: timeoutMs, agent: false, ...(p.scheme === 'HTTPS' ? { rejectUnauthorized: false } : {}) }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** Runs the probe once; true on success. Errors (bad port, exec failure) count as failures. */
export async function runProbe(runtime: Runtime, probe: Probe, t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  try {
    if (probe.exec) return (await runtime.exec(t.id, probe.exec.command, timeoutMs)).exitCode === 0;
    if (probe.tcpSocket) {
      const e = endpointOf(t, probe.tcpSocket.port, probe.tcpSocket.host);
      return await tcp(e.host, e.port, timeoutMs);
    }
    if (probe.httpGet) {
      const e = endpointOf(t, probe.httpGet.port, probe.httpGet.host);
      return await http(probe.httpGet, e.host, e.port, timeoutMs);
    }
    return false;
  } catch {
    return false;
  }
}

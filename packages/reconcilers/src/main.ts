/** The wharf-reconcilers daemon: flags, logging, and a graceful stop on SIGTERM/SIGINT. */
import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE, MAX_NODE_CIDR_MASK_SIZE } from '@wharf/model';
import { closeOnSignals, createLogger, natsAuthOf, parseFlags, refuseHostOverlap, runMain, shutdownTimeoutMs, UsageError } from '@wharf/store';
import { CONTROLLER_NAMES, parseControllers, startManagerThroughOutages } from './manager.js';
import { rangeFromFlags } from './nodeipam/range.js';

const BIN = 'wharf-reconcilers';

/** Parses "500ms", "10s", "1.5m" (a bare number is seconds) into milliseconds; UsageError otherwise. */
export function parseDuration(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${flag}: "${v}" is not a duration such as 500ms, 10s or 5m\nRun '${BIN} --help' for usage.`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
}

/** Runs the daemon until SIGTERM or SIGINT. */
export function main(argv = process.argv.slice(2)): void {
  runMain(BIN, async () => {
    const flags = parseFlags(BIN, 'Runs Wharf reconcilers (scheduler, node feed, endpoints, replication controller, garbage collector, node lifecycle, node IPAM) against the event log. Any number of instances may run at once.', {
      'node-monitor-grace-period': { description: 'heartbeat silence after which a node becomes NotReady (e.g. 10s, 500ms)', default: '10s' },
      'pod-eviction-timeout': { description: 'how long a node stays NotReady before its pods are evicted', default: '20s' },
      'cluster-cidr': { description: `the pod network (IPv4) that nodes' pod CIDRs are cut from; must not overlap this machine's networks nor the service range. Recorded by the cluster's first nodeipam reconciler, and every other must agree (default: the recorded range, else ${DEFAULT_CLUSTER_CIDR})`, env: 'WHARF_CLUSTER_CIDR' },
      'node-cidr-mask-size': { description: `the prefix length of each node's pod CIDR: longer than --cluster-cidr's, at most ${MAX_NODE_CIDR_MASK_SIZE} (default: the recorded one, else ${DEFAULT_NODE_CIDR_MASK_SIZE})`, env: 'WHARF_NODE_CIDR_MASK_SIZE' },
      controllers: { description: `controllers to run, comma-separated (${CONTROLLER_NAMES.join(', ')})`, default: CONTROLLER_NAMES.join(','), env: 'WHARF_CONTROLLERS' },
    }, argv);
    let controllers;
    try {
      controllers = parseControllers(flags.controllers as string);
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\nRun '${BIN} --help' for usage.`);
    }
    const log = createLogger(BIN);
    const nodeMonitorGraceMs = parseDuration('node-monitor-grace-period', flags['node-monitor-grace-period'] as string);
    const podEvictionTimeoutMs = parseDuration('pod-eviction-timeout', flags['pod-eviction-timeout'] as string);
    const timeoutMs = shutdownTimeoutMs(flags['shutdown-timeout']);
    const given = (v: unknown) => (v === undefined ? undefined : String(v));
    const podNetwork = { clusterCidr: given(flags['cluster-cidr']), nodeCidrMaskSize: given(flags['node-cidr-mask-size']) };
    // Checked before connecting, so a typo fails at once (the recorded range is checked once known).
    rangeFromFlags(podNetwork);
    const starting = startManagerThroughOutages({
      natsUrl: flags.nats as string,
      natsAuth: natsAuthOf(flags),
      cluster: flags.cluster as string,
      controllers,
      log,
      nodeMonitorGraceMs,
      podEvictionTimeoutMs,
      ...podNetwork,
      checkPodNetwork: (r) => refuseHostOverlap('cluster-cidr', r.cluster),
    });
    // Installed before start-up finishes, so a signal during start-up still stops cleanly.
    closeOnSignals(async () => (await starting).stop(), { log, timeoutMs });
    await starting;
  });
}

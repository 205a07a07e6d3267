/**
 * `wharf start`: the daemons that init or join started, started again in order where systemd
 * does not do it. On a control-plane host wharf-api waits until the host's NATS server is current
 * in the JetStream cluster, and is started again (as systemd's Restart=always would) when it exits
 * before it answers /readyz: it gives up on JetStream requests that time out while its NATS server
 * catches up after a crash.
 */
import { readFileSync } from 'node:fs';
import type { Io } from '../base.js';
import { httpsJson } from './https.js';
import { waitLocalJetStream } from './readiness.js';
import { DAEMON_ORDER, runningPid, savedServices, type Service, startService, stopService } from './supervise.js';

function flagOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Starts every saved daemon that does not run; returns how many were saved. */
export async function startAll(run: string, io: Io): Promise<number> {
  const services = savedServices(run, DAEMON_ORDER);
  for (const s of services) {
    const pid = runningPid(s.name, run);
    if (pid) {
      io.err(`[start] ${s.name} already runs (pid ${pid})\n`);
      continue;
    }
    if (s.name === 'wharf-api') {
      await startApi(s, run, io);
      continue;
    }
    io.err(`[start] ${s.name}: ${startService(s, run)}\n`);
    if (s.name === 'wharf-nats' || s.name === 'wharf-nats-seed') await new Promise((r) => setTimeout(r, 500));
  }
  return services.length;
}

async function startApi(s: Service, run: string, io: Io): Promise<void> {
  io.err(`[start] waiting for this host's NATS server to be current in the JetStream cluster\n`);
  let js = await waitLocalJetStream(s, 60_000);
  if (js.ready && !js.metaCurrent) {
    // A meta-group follower that a crash left behind can stay behind (seen with nats-server 2.10
    // after SIGKILL); a restart of the server makes it catch up from the leader.
    io.err('[start] this host\'s NATS server is not current in the JetStream meta group after 60 s: restarting it once\n');
    const nats = savedServices(run, ['wharf-nats'])[0];
    if (nats) {
      await stopService(nats.name, run, 10_000);
      io.err(`[start] ${nats.name}: ${startService(nats, run)}\n`);
      js = await waitLocalJetStream(s, 60_000);
    }
  }
  if (!js.ready) io.err('[start] WARNING: JetStream did not answer through this host\'s NATS server; starting wharf-api anyway\n');
  else if (!js.metaCurrent) io.err('[start] WARNING: this host\'s NATS server is still not current in the JetStream meta group (see wharf cluster status)\n');
  const url = flagOf(s.args, '--advertise-url')?.split(',')[0];
  const caFile = flagOf(s.args, '--nats-ca');
  for (let attempt = 1; attempt <= 5; attempt++) {
    io.err(`[start] ${s.name}: ${startService(s, run)}\n`);
    if (!url || !caFile) return;
    const ca = readFileSync(caFile, 'utf8');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && runningPid(s.name, run)) {
      if ((await httpsJson(`${url}/readyz`, { ca }).catch(() => undefined))?.status === 200) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (runningPid(s.name, run)) return;
    io.err(`[start] ${s.name} exited before it was ready (see ${run}/logs/${s.name}.log); starting it again\n`);
  }
}

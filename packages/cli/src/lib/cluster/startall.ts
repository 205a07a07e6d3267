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
import { DAEMON_ORDER, hasSystemd, runningPid, savedServices, type Service, startService, stopService } from './supervise.js';

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
  if (!url || !caFile) {
    io.err(`[start] ${s.name}: ${startService(s, run)}\n`);
    return;
  }
  await startApiSupervised(s, run, url, readFileSync(caFile, 'utf8'), (t) => io.err(`[start] ${t}\n`));
}

/**
 * Starts wharf-api and waits until `url`/readyz answers; when it exits before (it gives up on
 * JetStream requests that time out while NATS elects leaders or catches up), starts it again, as
 * systemd's Restart=always does for the unit. Returns true once it is ready.
 */
export async function startApiSupervised(s: Service, run: string, url: string, ca: string, say: (text: string) => void, attempts = 5, waitMs = 60_000): Promise<boolean> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    say(`${s.name}: ${startService(s, run)}`);
    const deadline = Date.now() + waitMs;
    // Under systemd there is no pid file: the unit restarts it, and only readiness is waited for.
    while (Date.now() < deadline && (hasSystemd() || runningPid(s.name, run))) {
      if ((await httpsJson(`${url}/readyz`, { ca }).catch(() => undefined))?.status === 200) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (hasSystemd() || runningPid(s.name, run)) return false;
    say(`${s.name} exited before it was ready (see ${run}/logs/${s.name}.log); starting it again`);
  }
  return false;
}

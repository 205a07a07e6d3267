/**
 * Running the daemons of a machine. Where systemd runs, each is a unit (written from the flags,
 * enabled and started: systemd restarts it). Where it doesn't (containers, these test machines),
 * each runs detached with its log and pid file under the data directory, as nohup would, and
 * `wharf reset` stops it by that pid.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One daemon to run: its name (unit and file names), program and arguments. */
export interface Service {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  description: string;
}

/** True where systemd manages this machine. */
export function hasSystemd(): boolean {
  return existsSync('/run/systemd/system');
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The systemd unit of a service (pure). */
export function unitFile(s: Service): string {
  const env = Object.entries(s.env ?? {}).map(([k, v]) => `Environment=${k}=${v}\n`).join('');
  return `[Unit]\nDescription=${s.description}\nAfter=network-online.target docker.service\nWants=network-online.target\n\n[Service]\n${env}ExecStart=${[s.command, ...s.args].map(shellQuote).join(' ')}\nRestart=always\nRestartSec=1\n${s.name === 'wharf-agent' ? '# Containers outlive the agent: a restarted agent adopts them.\nKillMode=process\n' : ''}\n[Install]\nWantedBy=multi-user.target\n`;
}

/** Starts a service (systemd unit, or detached with a pid file under `runDir`); returns how it runs. */
export function startService(s: Service, runDir: string): string {
  if (hasSystemd()) {
    writeFileSync(`/etc/systemd/system/${s.name}.service`, unitFile(s));
    execFileSync('systemctl', ['daemon-reload']);
    execFileSync('systemctl', ['enable', '--now', `${s.name}.service`]);
    return `systemd unit ${s.name}.service`;
  }
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  // What was started, so that `wharf start` can start it again (after a reboot, without systemd).
  writeFileSync(join(runDir, `${s.name}.json`), JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  const log = join(runDir, 'logs', `${s.name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(s.command, s.args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...s.env } });
  child.unref();
  writeFileSync(join(runDir, `${s.name}.pid`), `${child.pid}\n`);
  return `pid ${child.pid}, log ${log}`;
}

/** The pid of a service started detached, if it still runs. */
export function runningPid(name: string, runDir: string): number | undefined {
  const f = join(runDir, `${name}.pid`);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Stops a service (SIGTERM, then SIGKILL after `graceMs`); true when one was running. */
export async function stopService(name: string, runDir: string, graceMs = 15_000): Promise<boolean> {
  if (hasSystemd() && existsSync(`/etc/systemd/system/${name}.service`)) {
    execFileSync('systemctl', ['disable', '--now', `${name}.service`]);
    rmSync(`/etc/systemd/system/${name}.service`, { force: true });
    return true;
  }
  const pid = runningPid(name, runDir);
  rmSync(join(runDir, `${name}.pid`), { force: true });
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
  return true;
}

/** The services started detached under `runDir`, as saved, in the order given. */
export function savedServices(runDir: string, order: readonly string[]): Service[] {
  return order.filter((n) => existsSync(join(runDir, `${n}.json`))).map((n) => JSON.parse(readFileSync(join(runDir, `${n}.json`), 'utf8')) as Service);
}

/** The bootstrap NATS server of the first control-plane host (wharf-api stops it once the third control-plane host joined). */
export const SEED_SERVICE = 'wharf-nats-seed';

/** A machine's daemons in the order they start (reset stops them in the reverse order). */
export const DAEMON_ORDER = [SEED_SERVICE, 'wharf-nats', 'wharf-registry', 'wharf-api', 'wharf-reconcilers', 'wharf-agent', 'wharf-proxy'] as const;

/**
 * One dockerd per simulated host: started inside the host's netns with its own data root, exec
 * root, socket, pidfile, ranges and cgroup parent; loaded with the run's images; stopped by the
 * PID in its pidfile.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import Docker from 'dockerode';
import { eventually } from './ports.js';
import type { HostPlan } from './hosts-plan.js';

/** Starts dockerd in the host's namespace (nsenter execs it, so the child's PID is dockerd's); resolves once `/_ping` answers. */
export async function startDockerd(h: HostPlan): Promise<Docker> {
  mkdirSync(h.dir, { recursive: true });
  const config = `${h.dir}/daemon.json`;
  writeFileSync(config, '{}\n'); // not /etc/docker/daemon.json, whatever it holds
  const log = openSync(`${h.dir}/dockerd.log`, 'a');
  const child = spawn(
    'nsenter',
    [
      `--net=/var/run/netns/${h.netns}`,
      '--',
      'dockerd',
      '--config-file', config,
      '--data-root', `${h.dir}/data`,
      '--exec-root', `${h.dir}/x`,
      '-H', `unix://${h.dockerSocket}`,
      '--pidfile', h.dockerPidfile,
      '--bip', h.bip,
      '--default-address-pool', `base=${h.pool},size=24`,
      '--dns', h.address,
      '--cgroup-parent', `/${h.cgroupParent}`,
      '--shutdown-timeout', '2',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `dockerd of ${h.netns} exited (${signal ?? code}); see ${h.dir}/dockerd.log`));
  child.once('error', (e) => (exited = `cannot start dockerd in ${h.netns}: ${e.message}`));
  const docker = new Docker({ socketPath: h.dockerSocket });
  await eventually(
    async () => {
      if (exited) throw new Error(exited);
      await docker.ping();
      return true;
    },
    30_000,
    100,
  ).catch((e: Error) => {
    throw new Error(exited ?? `dockerd of ${h.netns} did not answer /_ping: ${e.message}`);
  });
  return docker;
}

/** Tags of the images tests run (`wharf.local/*` in the root engine). */
export async function testImages(root: Docker): Promise<string[]> {
  const images = await root.listImages({ filters: { reference: ['wharf.local/*'] } });
  return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
}

/** Saves `tags` from the root engine into one tar at `file`. */
export async function saveImages(root: Docker, tags: string[], file: string): Promise<void> {
  // dockerode has getImages (GET /images/get?names=...) but its types do not list it.
  const withGetImages = root as unknown as { getImages(opts: { names: string[] }): Promise<NodeJS.ReadableStream> };
  try {
    await pipeline(await withGetImages.getImages({ names: tags }), createWriteStream(file));
  } catch (e) {
    throw new Error(`cannot save ${tags.join(', ')} from the root engine (bash scripts/build-images.sh makes the test images): ${(e as Error).message}`);
  }
}

/** Loads the tar at `file` into `docker` and checks every tag arrived. */
export async function loadImages(docker: Docker, file: string, tags: string[]): Promise<void> {
  const out = (await docker.loadImage(createReadStream(file), { quiet: true })) as unknown as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of out) text += String(chunk);
  for (const t of tags) await docker.getImage(t).inspect().catch(() => Promise.reject(new Error(`image ${t} did not load: ${text.trim()}`)));
}

/** Force-removes every container of a host's dockerd (they all belong to the run). */
export async function removeContainers(docker: Docker): Promise<void> {
  const all = await docker.listContainers({ all: true });
  await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
}

/** The PID in `pidfile` if that process is alive and its command line names `ownDir` (so a reused PID is never touched). */
export function ownedPid(pidfile: string, ownDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidfile, 'utf8').trim());
  } catch {
    return undefined;
  }
  return pid > 1 && ownsPid(pid, ownDir) ? pid : undefined;
}

/** True if `pid` is alive and its command line names `ownDir`. */
export function ownsPid(pid: number, ownDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(ownDir);
  } catch {
    return false;
  }
}

/** True while `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends SIGTERM to `pid`, waits up to `graceMs` for it to exit, then SIGKILLs it and waits again. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  const gone = (ms: number) => eventually(() => !alive(pid), ms, 50).then(() => true, () => false);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await gone(graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await gone(5_000);
}

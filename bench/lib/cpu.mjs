// CPU time of the processes a benchmark measures, from /proc, per operation of a phase.
import { readFileSync } from 'node:fs';

/** CPU seconds a process has used so far (user + system), from /proc. */
export const cpuOf = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** CPU seconds this process has used so far. */
export const selfCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** Runs `phase` and sets `cpu` on its result: CPU milliseconds per operation of this process, then of each of `pids`. */
export async function withCpu(pids, n, phase) {
  const before = [selfCpu(), ...pids.map(cpuOf)];
  const r = await phase();
  const after = [selfCpu(), ...pids.map(cpuOf)];
  r.cpu = after.map((a, i) => (1000 * (a - before[i])) / n);
  return r;
}

/** Reads this machine's facts for the Node object (I/O: os module and /etc, /proc files). */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { AgentConfig } from './flags.js';
import { goArch, type NodeFacts } from './node.js';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read('/etc/os-release'));
  return m?.[1] ?? `${os.type()} ${os.release()}`;
}

/** The facts of this machine, for the agent configured by `cfg`. */
export function machineFacts(cfg: AgentConfig, containerRuntimeVersion: string): NodeFacts {
  return {
    name: cfg.node,
    address: cfg.address,
    hostname: os.hostname(),
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    maxPods: cfg.maxPods,
    labels: cfg.labels,
    taints: cfg.taints,
    kernelVersion: os.release(),
    osImage: osImage(),
    operatingSystem: os.platform() === 'linux' ? 'linux' : os.platform(),
    architecture: goArch(os.arch()),
    containerRuntimeVersion,
    machineID: read('/etc/machine-id'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
    ...(cfg.podCidr ? { podCidr: cfg.podCidr } : {}),
  };
}

import { rmSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';

/** `wharf reset`: undoes init or join on this machine (kubeadm reset). */
export default class Reset extends WharfCommand {
  static override summary = 'Stop the Wharf daemons that init or join started on this machine, and remove their files.';
  static override description = 'Stops wharf-proxy, wharf-agent, wharf-reconcilers, wharf-api, the cluster registry, nats-server and the bootstrap NATS server (their systemd units, or the detached processes by their pid files), removes the node\'s pod containers (as kubeadm reset does) and its pod network (Docker network, iptables chains, routes to the pod CIDRs of other nodes) and the local service range, removes the /etc/docker/certs.d entries init or join wrote for the cluster registries, then removes <config-dir> and <data-dir>. To have the pods replaced elsewhere first, drain the node (wharf drain NAME) or delete it on the control plane (wharf node delete NAME). With --keep-files only the daemons stop: pods keep running and `wharf start` brings the node back.';

  static override examples = ['<%= config.bin %> reset', '<%= config.bin %> reset --keep-files'];

  static override flags = {
    'config-dir': Flags.string({ description: 'The config directory init or join used.', default: '/etc/wharf' }),
    'data-dir': Flags.string({ description: 'The data directory init or join used.', default: '/var/lib/wharf' }),
    'keep-files': Flags.boolean({ description: 'Only stop the daemons; keep credentials, data and the Docker engine\'s trust of the cluster registries.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Reset);
    const { DAEMON_ORDER, stopService } = await import('../lib/cluster/supervise.js');
    const { paths } = await import('../lib/cluster/layout.js');
    const p = paths({ config: flags['config-dir'], data: flags['data-dir'] });
    for (const name of [...DAEMON_ORDER].reverse()) {
      if (await stopService(name, p.run)) this.io.err(`[reset] stopped ${name}\n`);
    }
    if (!flags['keep-files']) {
      const { removeNetworking } = await import('../lib/cluster/network.js');
      for (const line of await removeNetworking(p.run)) this.io.err(`[reset] ${line}\n`);
      const { distrustRecorded } = await import('../lib/registry/index.js');
      for (const dir of distrustRecorded(p.registryTrust)) this.io.err(`[reset] removed ${dir}\n`);
      rmSync(flags['config-dir'], { recursive: true, force: true });
      rmSync(flags['data-dir'], { recursive: true, force: true });
      this.io.err(`[reset] removed ${flags['config-dir']} and ${flags['data-dir']}\n`);
    }
  }
}

import { Args, Flags } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';
import { parseSingleTarget } from '../lib/targets.js';

/** `wharf logs POD`: prints (or follows) a container's log, like kubectl logs. */
export default class Logs extends WharfCommand {
  static override summary = "Print the logs of a container in a pod.";
  static override description = `Print the log of one container of a pod (the only one, or the one named with -c). The log is kept by the cluster, so it stays readable after the pod or its node is gone. With -f, keep streaming new lines until the container stops or you interrupt.`;

  static override usage = 'logs POD [-c CONTAINER] [-f] [--tail N] [flags]';

  static override examples = ['<%= config.bin %> logs microservice1', '<%= config.bin %> logs pod/microservice1 -c web --tail 20', '<%= config.bin %> logs -f microservice1'];

  static override strict = false;
  static override args = { pod: Args.string({ description: 'Pod name, or pod/NAME.' }) };

  static override flags = {
    container: Flags.string({ char: 'c', description: 'Container name; may be left out when the pod has one container.' }),
    follow: Flags.boolean({ char: 'f', description: 'Stream the log as it grows.' }),
    tail: Flags.integer({ description: 'Lines of the most recent log to show; -1 shows all.', default: -1 }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Logs);
    if (argv.length !== 1) throw new CliError('expected exactly one pod: logs POD [-c CONTAINER]');
    const { info, name } = parseSingleTarget(argv as string[], 'pod');
    if (info.kind !== 'Pod') throw new CliError(`logs are only available for pods, not ${info.resource}`);
    const { client, namespace } = await this.connect(flags);
    const ctl = new AbortController();
    process.once('SIGINT', () => ctl.abort());
    const opts = { follow: flags.follow, signal: ctl.signal, ...(flags.container ? { container: flags.container } : {}), ...(flags.tail >= 0 ? { tailLines: flags.tail } : {}) };
    for await (const chunk of client.logs(namespace, name, opts)) this.io.out(chunk);
  }
}

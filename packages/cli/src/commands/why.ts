import { Args, Flags } from '@oclif/core';
import { HistoryApi } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { parseSingleTarget } from '../lib/targets.js';
import { formatWhy } from '../lib/why.js';

/** `wharf why KIND/NAME`: walks the causes of an object back to the user action. */
export default class Why extends WharfCommand {
  static override summary = 'Explain why an object exists: the chain of causes back to a user action.';
  static override description = `Follow the cause links of the event log from the object's creation back to the action that started it, e.g. "pod/x exists because rc/microservice1 was scaled to 5 by user admin at 10:02 (revision 42)", and "moved from node-2 because node-2 went NotReady at 10:40".`;

  static override usage = 'why (KIND NAME | KIND/NAME) [flags]';
  static override examples = ['<%= config.bin %> why pod/microservice1-x7k2p', '<%= config.bin %> why pod microservice1-x7k2p -o yaml'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind, or KIND/NAME.' }),
    name: Args.string({ description: 'Name of the object.' }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Output format: the whole chain.', options: ['json', 'yaml'] }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Why);
    const { info, name } = parseSingleTarget(argv as string[]);
    const { client, namespace } = await this.connect(flags);
    const answer = await new HistoryApi(client).why(info.kind, info.namespaced ? namespace : undefined, name);
    this.io.out(formatWhy(answer, (flags.output as 'json' | 'yaml' | undefined) ?? 'text'));
  }
}

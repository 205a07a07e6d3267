import { Args } from '@oclif/core';
import { WharfCommand } from '../lib/base.js';
import { describeCommand } from '../lib/describe/command.js';

/** `wharf describe KIND [NAME]`: kubectl describe, with Events derived from the event log. */
export default class Describe extends WharfCommand {
  static override summary = 'Show details of a resource, with its events.';
  static override description = `Print a detailed description of pods, replication controllers, services and nodes (others show name, namespace and labels), followed by the object's Events (Scheduled, Pulled, Started, Killing, BackOff, NodeNotReady, SuccessfulCreate...), which Wharf derives from the event log and so keeps however old they are.`;

  static override usage = 'describe (KIND [NAME] | KIND/NAME) [flags]';
  static override examples = ['<%= config.bin %> describe pod microservice1', '<%= config.bin %> describe rc/microservice1', '<%= config.bin %> describe nodes'];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind, or KIND/NAME.' }),
    name: Args.string({ description: 'Name of the object (all of the kind when left out).' }),
  };

  // `wharf describe` usually runs without oclif (../fast.ts): it has the global flags only.
  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Describe);
    const code = await describeCommand(argv as string[], flags, this.io);
    if (code !== 0) process.exitCode = code;
  }
}

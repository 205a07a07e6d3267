import { Flags } from '@oclif/core';
import { HistoryApi } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';
import { eventsFromApi, eventsFromFile, replaySchedulerDecisions } from '../lib/replay.js';
import { formatVerify } from '../lib/verify.js';

/** `wharf replay`: verify the log rebuilds the live state, or replay a reconciler's decisions. */
export default class Replay extends WharfCommand {
  static override summary = 'Verify the log rebuilds the live state, or replay a reconciler over a recorded log.';
  static override description = `With --verify, the API server rebuilds the whole state from the first event of the log (past retention: from the oldest snapshot the log continues from) in a fresh fold and compares it object by object with its live state; any difference is listed and the exit code is 1.

With --reconciler scheduler, a recorded log (-f FILE from 'wharf events -A -o json', or the cluster's own log) is fed event by event into a fresh, in-process scheduler; after each event that leaves a pod waiting for a node it prints what the scheduler decides on the state of that moment, next to what the log says happened. Events before --from only build the starting state.`;

  static override examples = ['<%= config.bin %> replay --verify', '<%= config.bin %> replay --reconciler scheduler --from 120 --to 180', '<%= config.bin %> replay --reconciler scheduler -f log.json'];

  static override flags = {
    verify: Flags.boolean({ description: 'Rebuild the state from the log and compare it with the live state.', exclusive: ['reconciler'] }),
    reconciler: Flags.string({ description: 'The reconciler to replay.', options: ['scheduler'] }),
    from: Flags.integer({ description: 'First revision whose decisions are shown.', min: 1 }),
    to: Flags.integer({ description: 'Last revision replayed.', min: 1 }),
    file: Flags.string({ char: 'f', description: "A recorded log ('wharf events -A -o json'); default: the cluster's log through the API." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Replay);
    if (!flags.verify && !flags.reconciler) throw new CliError('choose --verify or --reconciler scheduler');
    if (flags.verify) {
      const { client } = await this.connect(flags);
      const { text, ok } = formatVerify(await new HistoryApi(client).verify());
      this.io.out(text);
      if (!ok) process.exitCode = 1;
      return;
    }
    const events = flags.file ? await eventsFromFile(flags.file) : await eventsFromApi(new HistoryApi((await this.connect(flags)).client), flags.to);
    const range = { ...(flags.from !== undefined ? { from: flags.from } : {}), ...(flags.to !== undefined ? { to: flags.to } : {}) };
    const { decisions, differing } = replaySchedulerDecisions(events, range, (l) => this.io.out(l));
    this.io.err(`${events.length} events replayed, ${decisions} decisions, ${differing} differ from the recording\n`);
  }
}

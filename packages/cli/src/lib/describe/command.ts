/** `wharf describe`, as either command-line parser (oclif or the fast path) hands it over. */
import { connect, type ConnectFlags, type Io } from '../connect.js';
import { CliError } from '../errors.js';
import { parseTargets } from '../targets.js';
import { runDescribe } from './index.js';

/** `wharf describe KIND [NAME] | KIND/NAME`: connects and prints; returns the exit code. */
export async function describeCommand(args: string[], flags: ConnectFlags, io: Io): Promise<number> {
  const targets = parseTargets(args);
  if (targets.length !== 1 || targets[0]!.names.length > 1) throw new CliError('describe takes one kind and at most one name');
  const { client, namespace } = await connect(flags);
  await runDescribe(client, targets[0]!.info, namespace, targets[0]!.names[0], (t) => io.out(t));
  return 0;
}

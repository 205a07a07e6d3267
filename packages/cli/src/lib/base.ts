/** The base of every wharf command: shared connection flags, config resolution and kubectl-style error output. */
import { Command, Errors } from '@oclif/core';
import { connect, type ConnectFlags, type Connection, type Io, processIo } from './connect.js';
import { formatError } from './errors.js';
import { GLOBAL_FLAGS } from './flagspec.js';
import { oclifFlags } from './oclif-flags.js';

export { type Connection, type Io, processIo } from './connect.js';

/** oclif's parse-error text reduced to one line (no "See more help", no preamble). */
export function usageMessage(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^The following errors? occurred:?$/.test(l) && !/^See more help/.test(l));
  return lines.join('; ');
}

/** Shared flags and behaviour; subclasses call `connect(flags)` after `parse`. */
export abstract class WharfCommand extends Command {
  static override baseFlags = oclifFlags(GLOBAL_FLAGS);

  protected readonly io: Io = processIo;

  /** Resolves server, token and namespace (flag > env > config file > default) and builds the client. */
  protected connect(flags: ConnectFlags): Promise<Connection> {
    return connect(flags);
  }

  /** Prints a failure the way kubectl does (one line, no stack; usage errors add kubectl's "See ... --help" hint) and sets exit code 1. */
  override async catch(err: Error & { oclif?: { exit?: number } }): Promise<void> {
    if (err instanceof Errors.ExitError) return super.catch(err);
    if ('parse' in err) this.io.err(`error: ${usageMessage(err.message)}\nSee '${this.config.bin} ${this.id ?? ''} --help' for usage.\n`);
    else this.io.err(formatError(err) + '\n');
    process.exitCode = 1;
  }
}

/** The wharf-reconcilers daemon: flags, logging, and a graceful stop on SIGTERM/SIGINT. */
import { createLogger, parseFlags, runMain, UsageError } from '@wharf/core';
import { CONTROLLER_NAMES, parseControllers, startManager } from './manager.js';

const BIN = 'wharf-reconcilers';

/** Runs the daemon until SIGTERM or SIGINT. */
export function main(argv = process.argv.slice(2)): void {
  runMain(BIN, async () => {
    const flags = parseFlags(BIN, 'Runs Wharf reconcilers (scheduler, node feed, endpoints) against the event log. Any number of instances may run at once.', {
      controllers: { description: `controllers to run, comma-separated (${CONTROLLER_NAMES.join(', ')})`, default: CONTROLLER_NAMES.join(','), env: 'WHARF_CONTROLLERS' },
    }, argv);
    let controllers;
    try {
      controllers = parseControllers(flags.controllers as string);
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\nRun '${BIN} --help' for usage.`);
    }
    const log = createLogger(BIN);
    const starting = startManager({ natsUrl: flags.nats as string, cluster: flags.cluster as string, controllers, log });
    let stopping = false;
    // Installed before start-up finishes, so a signal during start-up still stops cleanly.
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      starting
        .then((manager) => manager.stop())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'unclean stop');
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    await starting;
  });
}

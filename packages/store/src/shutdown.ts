/**
 * One graceful stop for every daemon, on close-with-grace (as fastify's demo server does): the
 * first SIGTERM or SIGINT (or an uncaught error) runs the daemon's close; a close that outlasts
 * the timeout, or a second signal, exits 1 at once with a log line. A clean close exits 0.
 */
import closeWithGrace from 'close-with-grace';
import { DEFAULT_SHUTDOWN_SECONDS, UsageError } from './config.js';
import type { Logger } from './logger.js';

/** Milliseconds of a --shutdown-timeout value (seconds, fractions allowed); UsageError unless it is positive. */
export function shutdownTimeoutMs(value: string | boolean | undefined): number {
  const seconds = value === undefined ? DEFAULT_SHUTDOWN_SECONDS : Number(value);
  if (typeof value === 'boolean' || value?.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--shutdown-timeout: "${String(value)}" is not a positive number of seconds`);
  }
  return seconds * 1000;
}

/** What closeOnSignals needs: where to log, and how long a graceful close may take. */
export interface CloseOptions {
  log: Logger;
  timeoutMs: number;
}

/** An installed graceful stop. */
export interface GracefulClose {
  /** Stops the daemon now, as a first signal would. */
  close(): void;
  /** Removes the signal and error listeners (the daemon stops some other way). */
  uninstall(): void;
}

/** Installs the graceful stop: `close` runs once, on the first signal or uncaught error. */
export function closeOnSignals(close: () => Promise<unknown>, { log, timeoutMs }: CloseOptions): GracefulClose {
  return closeWithGrace(
    {
      delay: timeoutMs,
      logger: false,
      onTimeout: (ms) => log.error({ timeoutMs: ms }, 'graceful stop timed out; exiting'),
      onSecondSignal: (signal) => log.warn({ signal }, 'second signal while stopping; exiting now'),
      onSecondError: (err) => log.error({ err }, 'error while stopping; exiting now'),
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'uncaught error; stopping');
      else log.info({ signal }, 'stopping');
      try {
        await close();
      } catch (e) {
        log.error({ err: e }, 'unclean stop');
        throw e;
      }
    },
  );
}

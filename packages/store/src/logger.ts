/** The shared pino logger factory: JSON lines to stderr, level from WHARF_LOG_LEVEL. */
import { pino, type Logger } from 'pino';

/** A logger for one component. */
export function createLogger(component: string, level = process.env.WHARF_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: component, level, base: { component } }, pino.destination(2));
}
export type { Logger };

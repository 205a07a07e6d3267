/** How the CLI reports failures: one kubectl-style line, never a stack trace. */
import { WharfError } from '@wharf/model/errors';

/** A user error (bad usage, bad input); printed as `error: <message>`. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Prefixes a server error's message with where it came from, as kubectl does: `error when creating "f.yaml": ...`. */
export function withSource(err: unknown, verb: string, source: string): unknown {
  if (err instanceof WharfError && err.reason !== 'Invalid') {
    return new WharfError(err.reason, err.code, `error when ${verb} "${source}": ${err.message}`, err.details);
  }
  return err;
}

/** The text kubectl would print for `err` (without the trailing newline). Invalid errors with several causes take one line per cause. */
export function formatError(err: unknown): string {
  if (err instanceof WharfError) {
    if (err.reason === 'Invalid') return formatInvalid(err);
    if (err.reason === 'Unauthorized') return `error: You must be logged in to the server (${err.message})`;
    return err.reason ? `Error from server (${err.reason}): ${err.message}` : `Error from server: ${err.message}`;
  }
  const msg = err instanceof Error ? err.message : String(err);
  return `error: ${msg.split('\n')[0]}`;
}

function formatInvalid(err: WharfError): string {
  const d = err.details;
  if (!d) return 'The request is invalid';
  const head = d.kind || d.name ? `The ${d.kind ?? ''} "${d.name ?? ''}" is invalid` : 'The request is invalid';
  const causes = [...new Set((d.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)))];
  if (causes.length === 0) return head;
  if (causes.length === 1) return `${head}: ${causes[0]}`;
  return `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

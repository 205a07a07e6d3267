/** Errors the client raises besides the server's own Status errors (which become WharfError). */
import { fromStatus, WharfError } from '@wharf/model/errors';

/** The API server could not be reached; the message says where and how to start it. */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError';
  constructor(
    readonly server: string,
    cause?: unknown,
  ) {
    const why = describeCause(cause);
    super(
      `unable to connect to the server at ${server}${why ? ` (${why})` : ''}: is the Wharf API server running? ` +
        `Start it with \`wharf-api\` (see \`wharf-api --help\`), or point --server / WHARF_SERVER at a running one.`,
    );
  }
}

/** The kind is not one the server serves, as kubectl words it. */
export class UnknownKindError extends Error {
  override name = 'UnknownKindError';
  constructor(readonly kind: string) {
    super(`the server doesn't have a resource type "${kind}"`);
  }
}

function describeCause(cause: unknown): string {
  const c = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause ?? (cause as { code?: string; message?: string } | undefined);
  return c?.code ?? c?.message ?? '';
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The WharfError for a non-2xx response: rebuilt from its Status body, or from the HTTP code when there is none. */
export function errorFromResponse(code: number, body: string): WharfError {
  try {
    const s = JSON.parse(body) as { kind?: string; reason?: string; code?: number; message?: string; details?: object };
    if (s && s.kind === 'Status') return fromStatus({ reason: s.reason ?? '', code: s.code ?? code, message: s.message ?? '', details: s.details });
  } catch {
    // not JSON: fall through
  }
  const message = code === 404 ? 'the server could not find the requested resource' : body.trim() || `the server responded with HTTP ${code}`;
  return new WharfError(REASONS[code] ?? 'Unknown', code, message);
}

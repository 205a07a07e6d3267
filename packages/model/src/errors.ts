/**
 * Errors a caller can act on. Each maps onto one Kubernetes `Status` reason and HTTP code, so the
 * API server, the reconcilers and the CLI speak the same language.
 */

/** One field-level cause of an Invalid error, as in Kubernetes' `details.causes[]`. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** Details of a Status: which object the error is about, and field causes where there are any. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Kubernetes `meta/v1 Status` object. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** Base of every Wharf error that becomes a Status; `reason` and `code` are stable. */
export class WharfError extends Error {
  constructor(
    readonly reason: string,
    readonly code: number,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = reason + 'Error';
  }

  /** The Kubernetes Status that reports this error. */
  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** 404: the object (or the route) does not exist. */
export class NotFoundError extends WharfError {
  constructor(resource: string, name: string, group = '') {
    super('NotFound', 404, `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource });
  }
}

/** 409: an object with this name already exists. */
export class AlreadyExistsError extends WharfError {
  constructor(resource: string, name: string, group = '') {
    super('AlreadyExists', 409, `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource });
  }
}

/** 409: the write named a resourceVersion that is no longer the object's latest. */
export class ConflictError extends WharfError {
  constructor(resource: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') {
    super('Conflict', 409, `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });
  }
}

/** 422: the object failed validation; `causes` name each bad field. */
export class InvalidError extends WharfError {
  constructor(kind: string, name: string, causes: StatusCause[]) {
    const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
    super('Invalid', 422, `${kind} "${name}" is invalid: ${list}`, { name, kind, causes });
  }
  /** The field causes, never empty. */
  get causes(): StatusCause[] {
    return this.details?.causes ?? [];
  }
}

/** 400: the request itself is malformed (bad YAML/JSON, bad selector, bad query). */
export class BadRequestError extends WharfError {
  constructor(message: string) {
    super('BadRequest', 400, message);
  }
}

/** 401: no valid bearer token. */
export class UnauthorizedError extends WharfError {
  constructor(message = 'Unauthorized') {
    super('Unauthorized', 401, message);
  }
}

/** 403: the caller may not do this; `details` name the object ({name, group, kind}) when there is one. */
export class ForbiddenError extends WharfError {
  constructor(message: string, details?: StatusDetails) {
    super('Forbidden', 403, message, details);
  }
}

/** 405: the verb is not supported on this resource. */
export class MethodNotAllowedError extends WharfError {
  constructor(message: string) {
    super('MethodNotAllowed', 405, message);
  }
}

/** 410: the requested resourceVersion is older than the retained history. */
export class ExpiredError extends WharfError {
  constructor(message: string) {
    super('Expired', 410, message);
  }
}

/** 413: the request body (or the object it makes) is larger than the server accepts. */
export class RequestEntityTooLargeError extends WharfError {
  constructor(limit: number, message = `the request body is larger than the limit of ${limit} bytes`) {
    super('RequestEntityTooLarge', 413, message);
  }
}

/** 415: the Content-Type (for example a patch type) is not supported. */
export class UnsupportedMediaTypeError extends WharfError {
  constructor(type: string, supported: string[]) {
    super('UnsupportedMediaType', 415, `the media type "${type}" is not supported; supported types: ${supported.join(', ')}`);
  }
}

/** 503: a dependency (NATS, the projection) is not ready; the caller may retry. */
export class UnavailableError extends WharfError {
  constructor(message: string) {
    super('ServiceUnavailable', 503, message, { retryAfterSeconds: 1 });
  }
}

/** 504: the write was made but was not observed in time; a retry of the request is answered with it (Retry-After 1, as kube-apiserver's timeouts). */
export class TimeoutError extends WharfError {
  constructor(message: string) {
    super('Timeout', 504, message, { retryAfterSeconds: 1 });
  }
}

/** 500: anything unexpected. The message given to clients never includes a stack trace. */
export class InternalError extends WharfError {
  constructor(message = 'an internal error occurred') {
    super('InternalError', 500, message);
  }
}

/** A 'Success' Status, as returned by DELETE of some resources. */
export function successStatus(details?: StatusDetails): Omit<Status, 'reason' | 'message'> & { reason?: string; message?: string } {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) };
}

/** Rebuilds a WharfError from a Status (used by clients). */
export function fromStatus(s: Pick<Status, 'reason' | 'code' | 'message' | 'details'>): WharfError {
  return new WharfError(s.reason || 'Unknown', s.code, s.message, s.details);
}

function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

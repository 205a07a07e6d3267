/**
 * The node relay's request handling: parse, read the current object from the log, ask
 * NodeRestriction, validate, and append through `Objects` as `system:node:<node>`, where the node
 * is the one the request's subject names. Every refusal is a Status reply, never a crash.
 */
import { ConflictError, decode, type EventType, InternalError, InvalidError, isDeletion, type KObject, mustKind, NotFoundError, nodeMayRead, nodeRestriction, objectOf, rvOf, validateObject, WharfError } from '@wharf/model';
import { type Logger, type ObjectLog, Objects, type RelayRequest } from '@wharf/store';
import { objectReply, parseRelayRequest, type RelayGet, type RelayPut, statusReply } from './protocol.js';

/** A Conflict that carries the object as it is now, for the reply. */
class StaleWrite extends ConflictError {
  constructor(
    resource: string,
    name: string,
    readonly current: KObject | undefined,
    why?: string,
  ) {
    super(resource, name, why);
  }
}

/** Handles node relay requests against one event log. */
export class NodeRelayHandler {
  readonly #objects: Objects;

  constructor(
    readonly log: ObjectLog,
    readonly logger: Logger,
  ) {
    this.#objects = new Objects(log);
  }

  /** Answers one request with the reply's JSON text; never throws. */
  async handle(req: RelayRequest): Promise<string> {
    let target: string | undefined;
    try {
      const op = parseRelayRequest(req.op, req.data);
      target = `${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
      return objectReply(op.op === 'get' ? await this.#get(req.node, op) : await this.#put(req.node, op));
    } catch (e) {
      const err = e instanceof WharfError ? e : new InternalError();
      if (!(e instanceof WharfError)) this.logger.error({ err: e, node: req.node, op: req.op, object: target }, 'node relay request failed');
      else if (err.code !== 404 && err.code !== 409) this.logger.warn({ node: req.node, op: req.op, object: target, code: err.code, reason: err.reason, message: err.message }, 'node relay refused a request');
      return statusReply(err, e instanceof StaleWrite ? e.current : undefined);
    }
  }

  async #current(op: RelayGet | RelayPut): Promise<KObject | undefined> {
    const { event } = await this.log.tail(this.log.subjects.object(mustKind(op.kind), op.namespace, op.name));
    return event && !isDeletion(event.type) ? objectOf(event) : undefined;
  }

  async #get(node: string, op: RelayGet): Promise<KObject> {
    const current = await this.#current(op);
    if (!current) throw new NotFoundError(mustKind(op.kind).resource, op.name);
    const denied = nodeMayRead(node, current);
    if (denied) throw denied;
    return current;
  }

  async #put(node: string, op: RelayPut): Promise<KObject> {
    const info = mustKind(op.kind);
    const { object } = decode<KObject>(info, op.object, 'Strict');
    const ctx = { actor: `system:node:${node}`, ...(op.reason ? { reason: op.reason } : {}), ...(op.cause !== undefined ? { cause: op.cause } : {}) };
    const stored = await this.#objects.change(
      info,
      op.namespace,
      op.name,
      (current) => {
        if (!current && op.expectedResourceVersion > 0) throw new NotFoundError(info.resource, op.name);
        if (current && rvOf(current) !== op.expectedResourceVersion) throw new StaleWrite(info.resource, op.name, current);
        if (current && object.metadata.uid !== current.metadata.uid) throw new StaleWrite(info.resource, op.name, current, `the object's uid "${object.metadata.uid ?? ''}" is not the stored one`);
        const denied = nodeRestriction({ node, kind: op.kind, current, proposed: object, type: op.type });
        if (denied) throw denied;
        if (!current) {
          const causes = validateObject(object, info.namespaced);
          if (causes.length) throw new InvalidError(info.kind, op.name, causes);
        }
        return { object, type: op.type as EventType };
      },
      ctx,
    );
    return stored!;
  }
}

/**
 * The agent's writes (its Node, its pods' status, PodDeleted) go through the node relay that
 * every wharf-api serves, never straight into the log: the relay reads the object, checks
 * NodeRestriction and appends as `system:node:<node>`. `RelayObjects.change` keeps the shape of
 * `Objects.change`: get, decide locally, put expecting the version read, and on a Conflict decide
 * again on the current object the relay sent back (retryOnConflict).
 *
 * When no relay answers (the API is down), a write fails at once with RelayUnavailableError and
 * the relay is asked again only after a back-off, so the kubelet keeps running its pods and
 * reports on a later pass; an outage is logged once. `wait` writes (registration) wait it out.
 */
import { BadRequestError, ConflictError, type Decide, ForbiddenError, fromStatus, InvalidError, type KindInfo, type KObject, NotFoundError, retryOnConflict, rvOf, type Status, type StatusCause, type WharfError } from '@wharf/model';
import { type Logger, type NodeRelayClient, RelayUnavailableError } from '@wharf/store';

/** Why a node writes: the cause (a log sequence) and a short reason; the relay sets the actor. */
export interface NodeWriteContext {
  cause?: number;
  reason?: string;
}

/** What the agent needs to write its objects (RelayObjects; tests may give another). */
export interface NodeObjects {
  /** Reads, decides and writes as Objects.change does; see RelayObjects. */
  change<T extends KObject>(info: KindInfo, namespace: string | undefined, name: string, decide: Decide<T>, ctx: NodeWriteContext, opts?: { wait?: boolean }): Promise<T | undefined>;
}

/** Back-off between attempts while no relay answers (ms). */
export const RELAY_RETRY = Object.freeze({ firstMs: 500, capMs: 10_000 });

/** A reply of the relay. */
type Reply = { object: KObject } | (Status & { current?: KObject });

/** The model error of a Status the relay answered with, typed as the agent checks it. */
export function relayError(s: Status, info: KindInfo, name: string): WharfError {
  switch (s.code) {
    case 404:
      return new NotFoundError(info.resource, name);
    case 409:
      return new ConflictError(info.resource, name);
    case 403:
      return new ForbiddenError(s.message, s.details);
    case 422:
      return new InvalidError(info.kind, name, (s.details?.causes ?? []) as StatusCause[]);
    case 400:
      return new BadRequestError(s.message);
    default:
      return fromStatus(s);
  }
}

/** The agent's write path through the node relay. */
export class RelayObjects implements NodeObjects {
  #down = false;
  #retryAt = 0;
  #pauseMs: number = RELAY_RETRY.firstMs;

  constructor(
    readonly client: Pick<NodeRelayClient, 'request' | 'node'>,
    readonly log: Logger,
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Gets the object, calls `decide`, and puts its decision expecting the version read; on a
   * Conflict decides again on the current object the relay returned (up to DEFAULT_RETRY, then
   * ConflictError). Returns the object as stored, or the current one when `decide` wrote nothing.
   * Refusals come back as the model's errors (NotFoundError, ForbiddenError, InvalidError...).
   */
  async change<T extends KObject>(info: KindInfo, namespace: string | undefined, name: string, decide: Decide<T>, ctx: NodeWriteContext, opts: { wait?: boolean } = {}): Promise<T | undefined> {
    const target = { kind: info.kind, ...(namespace !== undefined && info.namespaced ? { namespace } : {}), name };
    let known: { current: T | undefined } | undefined;
    const step = async (): Promise<T | undefined> => {
      const current = known ? known.current : await this.#get<T>(info, target, opts.wait);
      known = undefined;
      const d = decide(current, new Date());
      if (!d) return current;
      const body = { ...target, expectedResourceVersion: rvOf(current), object: d.object, type: d.type ?? (current ? `${info.kind}Replaced` : `${info.kind}Created`), ...((d.reason ?? ctx.reason) ? { reason: d.reason ?? ctx.reason } : {}), ...(ctx.cause !== undefined ? { cause: ctx.cause } : {}) };
      const reply = await this.#call('put', body, opts.wait);
      if ('object' in reply) return reply.object as T;
      if (reply.code === 409) known = { current: reply.current as T | undefined };
      throw relayError(reply, info, name);
    };
    return retryOnConflict(step);
  }

  async #get<T extends KObject>(info: KindInfo, target: object, wait: boolean | undefined): Promise<T | undefined> {
    const reply = await this.#call('get', target, wait);
    if ('object' in reply) return reply.object as T;
    if (reply.code === 404) return undefined;
    throw relayError(reply, info, (target as { name: string }).name);
  }

  /** One request; while the relay is down, fails fast (or, with `wait`, waits) until the back-off allows another try. */
  async #call(op: string, body: unknown, wait: boolean | undefined): Promise<Reply> {
    for (;;) {
      const early = this.#retryAt - Date.now();
      if (this.#down && early > 0) {
        if (!wait) throw new RelayUnavailableError(`the node relay of ${this.client.node}`, 'no responders');
        await this.sleep(early);
      }
      try {
        const reply = (await this.client.request(op, body)) as Reply;
        if (this.#down) this.log.info('the node relay answers again; reporting to it');
        this.#down = false;
        this.#pauseMs = RELAY_RETRY.firstMs;
        return reply;
      } catch (e) {
        if (!(e instanceof RelayUnavailableError)) throw e;
        if (!this.#down) this.log.warn({ why: e.why }, 'no wharf-api answers the node relay; pods keep running, and their status is reported once it answers');
        this.#down = true;
        this.#retryAt = Date.now() + this.#pauseMs;
        this.#pauseMs = Math.min(RELAY_RETRY.capMs, this.#pauseMs * 2);
        if (!wait) throw e;
      }
    }
  }
}

/**
 * The API plugin in-process on a real context (one nats-server, no spawned API server), driven
 * with fastify's `inject`, with an admin token and every route it declared.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type InjectOptions, type LightMyRequestResponse, type RouteOptions } from 'fastify';
import { apiPlugin, type OpenContext, openApiContext, serverOptions } from '@wharf/api';
import { createLogger } from '@wharf/store';

/** One request of `InjectedApi.call`: a JSON value or a raw body, and the headers to send. */
export interface CallOptions {
  json?: unknown;
  body?: string;
  type?: string;
  accept?: string;
  /** The bearer token; the admin's unless given. */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A running in-process API. */
export interface InjectedApi {
  app: FastifyInstance;
  opened: OpenContext;
  /** The token of a system:masters user. */
  token: string;
  /** Every route the plugin declared, as fastify's onRoute saw it. */
  routes: RouteOptions[];
  /** One authenticated request. */
  call(method: InjectOptions['method'], url: string, o?: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Opens a context on `natsUrl` for `cluster`, registers the API plugin (logging to `logger`, if given) and makes an admin token. */
export async function startInjectedApi(natsUrl: string, cluster: string, o: { logger?: FastifyBaseLogger } = {}): Promise<InjectedApi> {
  const opened = await openApiContext({ natsUrl, cluster, snapshots: false, log: createLogger(`inject-${cluster}`, 'silent') });
  const app = Fastify({ ...serverOptions, ...(o.logger ? { loggerInstance: o.logger } : {}) });
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (r) => void routes.push(r));
  await app.register(apiPlugin, opened.ctx);
  await app.ready();
  const token = (await opened.ctx.tokens.create({ user: `${cluster}-admin`, groups: ['system:masters'] }))!.token;
  return {
    app,
    opened,
    token,
    routes,
    call: (method, url, o = {}) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${o.token ?? token}`,
          ...(o.type || o.json !== undefined ? { 'content-type': o.type ?? 'application/json' } : {}),
          ...(o.accept ? { accept: o.accept } : {}),
          ...o.headers,
        },
        ...(o.json !== undefined ? { payload: JSON.stringify(o.json) } : o.body !== undefined ? { payload: o.body } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      }),
    async close() {
      await app.close();
      await opened.close();
    },
  };
}

/** WharfClient: the Kubernetes-shaped REST API over fetch (node:https's, to trust the cluster CA). */
import type { KindName, KObject, ObjectOf } from '@wharf/model';
import { buildTable, type Table } from '@wharf/model/printers';
import { ServerUnreachableError, errorFromResponse } from './errors.js';
import { ndjson, textChunks } from './ndjson.js';
import { kindOf, queryString, resourcePath } from './paths.js';
import { nodeFetch } from './transport.js';

/** The Accept header that asks for kube-apiserver's server-side Table (JSON as the fallback). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** What the client hands a fetch besides the URL. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string | null;
  signal: AbortSignal | null;
}

/** The fetch the client calls (globalThis.fetch is one). */
export type Fetch = (url: string, init: FetchInit) => Promise<Response>;

/** Where the server is and who we are. `fetch` may be replaced (tests, instrumentation). */
export interface ClientOptions {
  server: string;
  /** More API servers of the same cluster (control-plane hosts): tried in turn when a server cannot be reached. */
  servers?: string[];
  token?: string;
  /** PEM of the CA that signed the server's certificate (the cluster CA from the config file). */
  certificateAuthority?: string;
  /** Skip verification of the server's certificate (like kubectl --insecure-skip-tls-verify). */
  insecureSkipTlsVerify?: boolean;
  fetch?: Fetch;
}

/** Which objects a list, table or watch covers. `at` asks for the state at a past time or revision. */
export interface ListOptions {
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  at?: string;
}

/** A watch: from `resourceVersion`, optionally of one `name`, as Tables when `table` is set; ends on `signal`. */
export interface WatchOptions extends ListOptions {
  resourceVersion?: string;
  name?: string;
  table?: boolean;
  signal?: AbortSignal;
}

/** DELETE options: cascade becomes propagationPolicy. */
export interface DeleteOptions {
  cascade?: 'background' | 'orphan' | 'foreground';
  gracePeriodSeconds?: number;
}

/** Log options, as kubectl logs takes them. */
export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  signal?: AbortSignal;
}

/** A list response (PodList...). */
export interface KList<T = KObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string };
  items: T[];
}

/** One watch event. */
export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

interface SendOptions {
  body?: unknown;
  accept?: string;
  contentType?: string;
  signal?: AbortSignal;
}

const CASCADE = { background: 'Background', orphan: 'Orphan', foreground: 'Foreground' } as const;

/**
 * A client of a Wharf API server. Every method throws WharfError for a non-2xx answer and
 * ServerUnreachableError when no server can be reached. Given several servers (the control-plane
 * hosts), a request that could not connect is sent to the next one, and the client keeps to the
 * one that answered.
 */
export class WharfClient {
  #servers: string[];
  private readonly token: string | undefined;
  private readonly fetchFn: Fetch;

  constructor(opts: ClientOptions) {
    const trim = (u: string) => u.replace(/\/+$/, '');
    this.#servers = [...new Set([opts.server, ...(opts.servers ?? [])].map(trim))];
    this.token = opts.token || undefined;
    this.fetchFn = opts.fetch ?? nodeFetch({ ca: opts.certificateAuthority, insecure: Boolean(opts.insecureSkipTlsVerify) });
  }

  /** The server requests go to now (the first given, or the last one that answered). */
  get server(): string {
    return this.#servers[0]!;
  }

  /** Every server, the current one first. */
  get servers(): readonly string[] {
    return this.#servers;
  }

  /** Sends one request and returns the parsed JSON body (undefined when empty). */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    return this.json<T>(await this.send(method, path, body === undefined ? {} : { body }));
  }

  /** POSTs `obj` into its namespace (obj.metadata.namespace, else `namespace`, else "default"); returns the created object. */
  create<T extends KObject>(obj: T, namespace?: string): Promise<T> {
    const info = kindOf(obj.kind);
    return this.request<T>('POST', resourcePath(info, { namespace: obj.metadata.namespace ?? namespace }), obj);
  }

  /** GETs one object; named by its Kind ("Pod"), it has that kind's type. */
  get<K extends KindName>(kind: K, namespace: string | undefined, name: string, opts?: { at?: string }): Promise<ObjectOf<K>>;
  /** GETs one object of a kind named by any alias ("po", "pods"). */
  get(kind: string, namespace: string | undefined, name: string, opts?: { at?: string }): Promise<KObject>;
  get(kind: string, namespace: string | undefined, name: string, opts: { at?: string } = {}): Promise<KObject> {
    return this.request<KObject>('GET', resourcePath(kindOf(kind), { namespace, name }) + queryString({ at: opts.at }));
  }

  /** Lists objects of a kind; named by its Kind ("Pod"), the items have that kind's type. */
  list<K extends KindName>(kind: K, opts?: ListOptions): Promise<KList<ObjectOf<K>>>;
  /** Lists objects of a kind named by any alias ("po", "pods"). */
  list(kind: string, opts?: ListOptions): Promise<KList>;
  list(kind: string, opts: ListOptions = {}): Promise<KList> {
    return this.request<KList>('GET', resourcePath(kindOf(kind), opts) + listQuery(opts));
  }

  /** PUTs `obj` over the stored one (optimistic on metadata.resourceVersion when set); returns the new object. */
  replace<T extends KObject>(obj: T, namespace?: string): Promise<T> {
    const info = kindOf(obj.kind);
    return this.request<T>('PUT', resourcePath(info, { namespace: obj.metadata.namespace ?? namespace, name: obj.metadata.name }), obj);
  }

  /** DELETEs one object; returns what the server returned (the object, or a Status). */
  delete<T = unknown>(kind: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T> {
    const propagationPolicy = opts.cascade ? CASCADE[opts.cascade] : undefined;
    const q = queryString({ propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds });
    const body = propagationPolicy || opts.gracePeriodSeconds !== undefined ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds } : undefined;
    return this.request<T>('DELETE', resourcePath(kindOf(kind), { namespace, name }) + q, body);
  }

  /** The server-side Table of a list (or of one object with `name`); built locally if the server answers plain JSON. */
  async table(kind: string, opts: ListOptions & { name?: string } = {}): Promise<Table> {
    const info = kindOf(kind);
    const path = resourcePath(info, opts) + (opts.name === undefined ? listQuery(opts) : queryString({ at: opts.at }));
    const res = await this.json<Table | KList | KObject>(await this.send('GET', path, { accept: TABLE_ACCEPT }));
    return asTable(info.kind, res);
  }

  /** Watches a kind: yields events until the server ends the stream or `signal` aborts; ERROR events throw. */
  async *watch<T = unknown>(kind: string, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const info = kindOf(kind);
    const fieldSelector = [opts.fieldSelector, opts.name ? `metadata.name=${opts.name}` : ''].filter(Boolean).join(',');
    const path = resourcePath(info, { ...opts, name: undefined }) + listQuery({ ...opts, fieldSelector }, { watch: true, resourceVersion: opts.resourceVersion });
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.send('GET', path, { signal: ctl.signal, ...(opts.table ? { accept: TABLE_ACCEPT } : {}) });
      for await (const ev of ndjson<WatchEvent<T>>(bodyOf(res))) {
        if (ev.type === 'ERROR') throw errorFromResponse(500, JSON.stringify(ev.object));
        if (opts.table && ev.type !== 'BOOKMARK') ev.object = asTable(info.kind, ev.object as Table | KObject) as T;
        yield ev;
      }
    } catch (e) {
      if (!(ctl.signal.aborted && (e as Error).name === 'AbortError')) throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  /** Streams a pod's log as text chunks; with `follow`, until the pod ends or `signal` aborts. */
  async *logs(namespace: string | undefined, pod: string, opts: LogOptions = {}): AsyncGenerator<string> {
    const path = resourcePath(kindOf('Pod'), { namespace, name: pod, subresource: 'log' }) + queryString({ container: opts.container, follow: opts.follow || undefined, tailLines: opts.tailLines });
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.send('GET', path, { accept: 'text/plain', signal: ctl.signal });
      yield* textChunks(bodyOf(res));
    } catch (e) {
      if (!(ctl.signal.aborted && (e as Error).name === 'AbortError')) throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  /** Merge-patches one object (application/merge-patch+json); returns the patched object, typed as with `get`. */
  patch<K extends KindName>(kind: K, namespace: string | undefined, name: string, patch: unknown): Promise<ObjectOf<K>>;
  patch(kind: string, namespace: string | undefined, name: string, patch: unknown): Promise<KObject>;
  patch(kind: string, namespace: string | undefined, name: string, patch: unknown): Promise<KObject> {
    const path = resourcePath(kindOf(kind), { namespace, name });
    return this.send('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' }).then((r) => this.json<KObject>(r));
  }

  /** Sets spec.replicas through the scale subresource (merge patch); returns the autoscaling/v1 Scale. */
  scale<T = unknown>(kind: string, namespace: string | undefined, name: string, replicas: number): Promise<T> {
    const path = resourcePath(kindOf(kind), { namespace, name, subresource: 'scale' });
    return this.send('PATCH', path, { body: { spec: { replicas } }, contentType: 'application/merge-patch+json' }).then((r) => this.json<T>(r));
  }

  /** GETs an NDJSON stream and yields each parsed line until the server ends it or `signal` aborts. */
  async *stream<T = unknown>(path: string, signal?: AbortSignal): AsyncGenerator<T> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.send('GET', path, { signal: ctl.signal });
      yield* ndjson<T>(bodyOf(res));
    } catch (e) {
      if (!(ctl.signal.aborted && (e as Error).name === 'AbortError')) throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      ctl.abort();
    }
  }

  private async send(method: string, path: string, o: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: o.accept ?? 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    let res: Response | undefined;
    let failure: unknown;
    // A request that could not connect was not handled: the next server may take it.
    for (const server of [...this.#servers]) {
      try {
        res = await this.fetchFn(server + path, { method, headers, body: o.body === undefined ? null : JSON.stringify(o.body), signal: o.signal ?? null });
        if (server !== this.#servers[0]) this.#servers = [server, ...this.#servers.filter((s) => s !== server)];
        break;
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        failure ??= e;
      }
    }
    if (!res) throw new ServerUnreachableError(this.#servers.join(', '), failure);
    if (!res.ok) throw errorFromResponse(res.status, await res.text());
    return res;
  }

  private async json<T>(res: Response): Promise<T> {
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** The body of a streamed answer (a 2xx answer to a GET always has one). */
function bodyOf(res: Response): AsyncIterable<Uint8Array> {
  if (!res.body) throw new Error(`the server answered ${res.status} without a body`);
  return res.body;
}

function listQuery(o: ListOptions, extra: Record<string, string | boolean | undefined> = {}): string {
  return queryString({ labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, at: o.at, ...extra });
}

/** A Table as is, or one built locally from a plain list or object (for servers without Table support). */
export function asTable(kind: KindName, res: Table | KList | KObject): Table {
  if (isTable(res)) return res;
  if (isList(res)) return buildTable(kind, res.items, new Date(), res.metadata?.resourceVersion);
  return buildTable(kind, [res], new Date());
}

function isTable(res: Table | KList | KObject): res is Table {
  return res.kind === 'Table';
}

function isList(res: KList | KObject): res is KList {
  return Array.isArray(res.items);
}

/**
 * fast-check arbitraries of whole hostile requests against the routes a server declared: a
 * path with odd segments, a query of garbage, odd headers and a hostile body. Every write
 * carries a spoiler that keeps it from changing state (a dry run, a body the limits refuse, a
 * bad token, an unsupported media type, an object of the wrong apiVersion, a JSON patch whose
 * last test fails, a delete precondition that cannot hold), so the state must be the same after
 * the run. Streams are kept finite: watches get timeoutSeconds=0, logs and audit never follow.
 */
import fc from 'fast-check';
import { type Body, JSON_TYPES, jsonPatchOps, junkText, limitBreaking, mergePatchDoc, ODD_TYPES, plausibleObject, YAML_TYPES } from './bodies.js';
import { encode, headerText, queryValue, segment, text } from './garbage.js';

/** One request as app.inject takes it, and the spoiler that keeps it from writing. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  spoiler: string;
}

/** A declared route: its method(s) and URL pattern with :namespace and :name. */
export interface RouteShape {
  method: string | string[];
  url: string;
}

/** What the generator draws names and credentials from. */
export interface FuzzWorld {
  routes: readonly RouteShape[];
  namespaces: readonly string[];
  names: readonly string[];
  token: string;
  /** The Kind a URL's resource names, for plausible bodies. */
  kindOf(url: string): string | undefined;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const QUERY_KEYS = [
  'labelSelector', 'fieldSelector', 'watch', 'timeoutSeconds', 'resourceVersion', 'includeObject', 'at', 'dryRun', 'fieldValidation', 'gracePeriodSeconds', 'propagationPolicy', 'orphanDependents',
  'container', 'follow', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'previous', 'from', 'to', 'since', 'until', 'actor', 'kind', 'namespace', 'name', 'limit',
  '__proto__', 'constructor', '__proto__[polluted]', 'a[b]', 'labelSelector[]', 'resourceVersionMatch', 'allowWatchBookmarks', 'pretty',
] as const;
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const ACCEPTS = [TABLE, `${TABLE}, application/json`, 'application/json;as=Table;g=meta.k8s.io;v=v1beta1', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', '*/*', 'text/html', 'as=Table'];
/** Media types no parser takes: a non-empty body sent with one is a 415. */
const UNPARSED = ['text/plain', 'application/apply-patch+yaml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.kubernetes.protobuf', 'application/', 'image/png'];
const TRUTHY = new Set(['true', '1', '']);
/** A uid no object has: the delete precondition and the JSON patch test that must fail. */
const NEVER = 'fuzz-never-this-uid';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Makes the query finite and leaves its garbage: no follow, no audit watch, watches end at once. */
function finite(method: string, path: string, pairs: [string, string][]): [string, string][] {
  const out = pairs.map(([k, v]): [string, string] => {
    if (k === 'follow' && TRUTHY.has(v)) return [k, 'false'];
    if (k === 'watch' && path.startsWith('/wharf/') && TRUTHY.has(v)) return [k, 'false'];
    // Any whole number of seconds a client could wait for is a watch the run would wait for.
    // Empty is the default (30 minutes).
    if (k === 'timeoutSeconds' && (v === '' || (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= Number.MAX_SAFE_INTEGER))) return [k, '0'];
    return [k, v];
  });
  if (method === 'GET' && !out.some(([k]) => k === 'timeoutSeconds')) out.push(['timeoutSeconds', '0']);
  return out;
}

/** A body for a write to `url` of the world's kinds, with the spoiler it carries. */
function writeBody(world: FuzzWorld, method: string, url: string): fc.Arbitrary<{ body?: Body; spoiler: string; query?: [string, string] }> {
  const kind = world.kindOf(url) ?? 'Pod';
  const isScale = url.endsWith('/scale');
  const anyType = fc.constantFrom(...JSON_TYPES, ...YAML_TYPES, ...ODD_TYPES);
  const plausible = plausibleObject(kind, segment(world.names));
  const anyBody: fc.Arbitrary<Body> = fc.oneof(
    fc.tuple(plausible, anyType).map(([o, type]) => ({ text: JSON.stringify(o), type })),
    fc.tuple(fc.oneof(jsonPatchOps, mergePatchDoc), anyType).map(([o, type]) => ({ text: JSON.stringify(o) ?? '', type })),
    fc.tuple(junkText, anyType).map(([t, type]) => ({ text: t, type })),
  );
  const spoilers: fc.Arbitrary<{ body?: Body; spoiler: string; query?: [string, string] }>[] = [
    fc.option(anyBody, { nil: undefined }).map((body) => ({ ...(body ? { body } : {}), spoiler: 'dryRun', query: ['dryRun', 'All'] as [string, string] })),
    limitBreaking.map((body) => ({ body, spoiler: 'limits' })),
    fc.tuple(fc.oneof(junkText, plausible.map((o) => JSON.stringify(o))), fc.constantFrom(...UNPARSED)).map(([t, type]) => ({ body: { text: t || 'x', type }, spoiler: 'media type' })),
  ];
  if ((method === 'POST' || method === 'PUT') && !isScale) {
    spoilers.push(fc.tuple(plausible, fc.constantFrom('v2', 'apps/v1', '', 'V1'), fc.constantFrom('application/json', ...YAML_TYPES)).map(([o, apiVersion, type]) => ({ body: { text: JSON.stringify({ ...o, apiVersion }), type }, spoiler: 'apiVersion' })));
  }
  if (method === 'PATCH') {
    spoilers.push(jsonPatchOps.map((ops) => ({ body: { text: JSON.stringify([...(ops as unknown[]), { op: 'test', path: '/metadata/uid', value: NEVER }]), type: 'application/json-patch+json' }, spoiler: 'failing test' })));
    const spoil = (doc: unknown) => (isScale ? { ...(isObject(doc) ? doc : {}), spec: { replicas: -1 } } : { ...(isObject(doc) ? doc : {}), apiVersion: 'v2' });
    spoilers.push(fc.tuple(mergePatchDoc, fc.constantFrom('application/merge-patch+json', 'application/strategic-merge-patch+json')).map(([doc, type]) => ({ body: { text: JSON.stringify(spoil(doc)), type }, spoiler: isScale ? 'replicas' : 'apiVersion' })));
  }
  if (method === 'DELETE') {
    const options = fc.record({ gracePeriodSeconds: fc.oneof(fc.integer(), fc.constantFrom(1e300, -1, 1.5)), propagationPolicy: fc.constantFrom('Orphan', 'Foreground', 'x'), orphanDependents: fc.boolean() }, { requiredKeys: [] });
    spoilers.push(options.map((o) => ({ body: { text: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...o, preconditions: { uid: NEVER } }), type: 'application/json' }, spoiler: 'precondition' })));
  }
  return fc.oneof(...spoilers);
}

/** A path from a route: each parameter a hostile segment, sometimes bent (a trailing slash, a doubled one, an extra segment). */
function pathOf(world: FuzzWorld, url: string): fc.Arbitrary<string> {
  return fc
    .tuple(segment(world.namespaces), segment(world.names), fc.oneof({ weight: 8, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//x', '/extra', '/status/status', '/..', '/%2e%2e/%2e%2e') }))
    .map(([ns, name, tail]) => url.replace(':namespace', ns).replace(':name', name) + tail)
    .map((p) => p.replace(/^\/api\/v1\/\//, '/api/v1/'));
}

/** Headers: a token (or a wrong one when that is the spoiler), an Accept, a few odd extras. */
function headersOf(world: FuzzWorld, badAuth: boolean): fc.Arbitrary<Record<string, string>> {
  const good = fc.constantFrom(`Bearer ${world.token}`, `bearer ${world.token}`, `Bearer  ${world.token}`);
  const bad = fc.oneof(fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${world.token} extra`, `Bearer ${world.token}x`, `Bearer ${'x'.repeat(8192)}`, 'Bearer \u0000'), headerText.map((t) => `Bearer ${t}`), headerText);
  return fc
    .tuple(badAuth ? bad : good, fc.option(fc.oneof(fc.constantFrom(...ACCEPTS), headerText), { nil: undefined }), fc.option(fc.constantFrom('impersonate-user', 'x-remote-user', 'x-forwarded-for', 'if-match', 'accept-encoding', 'x-http-method-override'), { nil: undefined }), headerText)
    .map(([authorization, accept, extra, value]) => ({ ...(authorization !== '' ? { authorization } : {}), ...(accept !== undefined ? { accept } : {}), ...(extra ? { [extra]: value } : {}) }));
}

/** A hostile request to one of the world's routes (or a method the route does not serve), that cannot change state. */
export function hostileRequest(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const route = fc.constantFrom(...world.routes);
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: text.map(encode) }), queryValue);
  // Some keys twice: a repeated parameter that must be given once.
  const pairs = fc.tuple(fc.array(pair, { maxLength: 5 }), fc.option(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue, queryValue), { freq: 8, nil: undefined })).map(([ps, twice]) => (twice ? [...ps, [twice[0], twice[1]], [twice[0], twice[2]]] : ps) as [string, string][]);
  return fc
    .tuple(route, fc.option(fc.constantFrom(...METHODS), { freq: 6, nil: undefined }), pairs, fc.integer({ min: 0, max: 7 }).map((n) => n === 0))
    .chain(([r, other, query, badAuth]) => {
      const declared = Array.isArray(r.method) ? r.method : [r.method];
      const method = other ?? declared[0]!;
      const write = WRITES.has(method);
      const body: fc.Arbitrary<{ body?: Body; spoiler: string; query?: [string, string] }> = write
        ? badAuth
          ? fc.option(fc.tuple(junkText, fc.constantFrom(...JSON_TYPES)).map(([t, type]) => ({ text: t, type })), { nil: undefined }).map((b) => ({ ...(b ? { body: b } : {}), spoiler: 'auth' }))
          : writeBody(world, method, r.url)
        : fc.constant({ spoiler: 'read' });
      return fc.tuple(pathOf(world, r.url), body, headersOf(world, write && badAuth)).map(([path, b, headers]): FuzzRequest => {
        const all = finite(method, path, b.query ? [...query, b.query] : query);
        const qs = all.map(([k, v]) => `${k}=${v}`).join('&');
        return {
          method,
          url: qs ? `${path}?${qs}` : path,
          headers: { ...headers, ...(b.body ? { 'content-type': b.body.type } : {}) },
          ...(b.body ? { payload: b.body.text } : {}),
          spoiler: b.spoiler,
        };
      });
    });
}

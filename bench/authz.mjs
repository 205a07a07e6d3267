#!/usr/bin/env node
// The authorization decision alone, in process: what wharf-api adds to each request before the
// handler runs (request attributes from method and path, RBAC over the bindings, and for pod
// writes the Pod Security check). Compare with the wharf-api CPU ms/op of bench/api.mjs.
//   node bench/authz.mjs [--n 200000] [--bindings 50]
import { parseArgs } from 'node:util';
import { authorize, AUTHENTICATED_GROUP, baselineViolations, MASTERS_GROUP, privilegedPodAttributes, requestAttributes } from '@wharf/model';
import { fmt, printTable } from './lib/stats.mjs';

const { values: o } = parseArgs({ options: { n: { type: 'string', default: '200000' }, bindings: { type: 'string', default: '50' } } });
const N = Number(o.n);
const bindings = Array.from({ length: Number(o.bindings) }, (_, i) => ({ name: `token-${i}`, role: 'view', namespace: `ns-${i}`, subjects: [{ kind: 'User', name: `user-${i}` }] }));
bindings.push({ name: 'token-editor', role: 'edit', subjects: [{ kind: 'User', name: 'editor' }] });
const users = {
  'cluster-admin (system:masters)': { name: 'admin', groups: [MASTERS_GROUP, AUTHENTICATED_GROUP] },
  [`edit user, last of ${bindings.length} bindings`]: { name: 'editor', groups: [AUTHENTICATED_GROUP] },
  'user with no binding (denied)': { name: 'nobody', groups: [AUTHENTICATED_GROUP] },
};
const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'wharf.local/microservice1:1' }] } };

/** Nanoseconds per call of `f`, after a warm-up of the same size. */
function time(f) {
  for (let i = 0; i < N; i++) f(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f(i);
  return Number(process.hrtime.bigint() - t0) / N;
}

const rows = [];
let sink = 0;
for (const [who, user] of Object.entries(users)) {
  const ns = time(() => {
    const a = requestAttributes('POST', '/api/v1/namespaces/default/pods', {});
    const d = authorize(a, user, bindings);
    if (d.allowed && !authorize(privilegedPodAttributes(a.namespace), user, bindings).allowed) sink += baselineViolations('pods', body).length;
    sink += d.allowed ? 1 : 0;
  });
  rows.push({ 'create pod, as': who, 'µs per request': fmt(ns / 1000, 2) });
}
printTable(rows);
console.log(`\n(${N} requests each; ${sink > 0 ? 'allowed ones counted' : ''})`);

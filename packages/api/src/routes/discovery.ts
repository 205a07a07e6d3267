/** Discovery and health: /version, /api, /apis, /api/v1, /healthz, /readyz, /livez. */
import type { FastifyInstance } from 'fastify';
import { KINDS, RESOURCE_VERBS } from '@wharf/model';
import type { ApiContext } from '../context.js';
import { AUTHORIZATION_API_GROUP } from './accessreview.js';

/** The version reported to clients; kubectl picks its matching build from `minor`. */
export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-wharf.0.1.0',
  gitCommit: 'wharf',
  gitTreeState: 'clean',
  buildDate: '2026-11-26T00:00:00Z',
  goVersion: 'n/a',
  compiler: 'wharf',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

function resourceList() {
  const resources: Record<string, unknown>[] = [];
  for (const k of KINDS) {
    resources.push({ name: k.resource, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs: RESOURCE_VERBS, shortNames: k.shortNames });
    for (const sub of k.subresources) {
      if (sub === 'scale') resources.push({ name: `${k.resource}/scale`, singularName: '', namespaced: k.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
      else if (sub === 'log') resources.push({ name: `${k.resource}/log`, singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
      else if (sub === 'binding') resources.push({ name: `${k.resource}/binding`, singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
      else resources.push({ name: `${k.resource}/${sub}`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', groupVersion: 'v1', resources };
}

/** Registers discovery and health routes (health and /version need no token). */
export async function discoveryRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const list = resourceList();
  app.get('/version', { config: { public: true } }, async () => VERSION);
  app.get('/healthz', { config: { public: true } }, async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/livez', { config: { public: true } }, async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', { config: { public: true } }, async (_req, reply) => {
    const ok = ctx.projection.ready && !ctx.store.nc.isClosed();
    return reply.code(ok ? 200 : 503).type('text/plain').send(ok ? 'ok' : 'projection not ready');
  });
  app.get('/api', async (req) => ({
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.host }],
  }));
  app.get('/apis', async () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: [AUTHORIZATION_API_GROUP] }));
  app.get('/api/v1', async () => list);
}

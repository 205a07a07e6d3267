import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Subjects } from '@wharf/model';
import { inboxPrefix, permissionsFor } from './permissions.js';

const s = new Subjects('prod');

/** NATS subject matching: `*` one token, `>` one or more at the end. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const t = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}
const mayPublish = (perm: ReturnType<typeof permissionsFor>, subject: string) => perm.pub.allow.some((a) => matches(a, subject)) && !perm.pub.deny.some((d) => matches(d, subject));

describe('permissionsFor', () => {
  it('lets nobody delete or purge a stream or its messages', () => {
    for (const role of ['api', 'reconcilers'] as const) {
      const p = permissionsFor(s, role);
      for (const subj of [`$JS.API.STREAM.DELETE.${s.stream}`, `$JS.API.STREAM.PURGE.${s.stream}`, `$JS.API.STREAM.MSG.DELETE.${s.stream}`]) expect(mayPublish(p, subj), `${role} ${subj}`).toBe(false);
    }
    for (const role of ['agent', 'proxy'] as const) expect(mayPublish(permissionsFor(s, role, 'n1'), `$JS.API.STREAM.DELETE.${s.stream}`)).toBe(false);
  });

  it('keeps the auth bucket from everyone but the API server', () => {
    const key = `$JS.API.DIRECT.GET.KV_${s.authBucket}.$KV.${s.authBucket}.token.x`;
    expect(mayPublish(permissionsFor(s, 'api'), key)).toBe(true);
    expect(mayPublish(permissionsFor(s, 'reconcilers'), key)).toBe(false);
    expect(mayPublish(permissionsFor(s, 'agent', 'n1'), key)).toBe(false);
  });

  it('lets the API server and the reconcilers claim and free pod CIDRs, and no node read or write them', () => {
    const b = s.podCIDRBucket;
    const subjects = [`$KV.${b}.10.244.1.0_24`, `$JS.API.DIRECT.GET.KV_${b}.$KV.${b}.10.244.1.0_24`, `$JS.API.STREAM.INFO.KV_${b}`, `$JS.API.CONSUMER.CREATE.KV_${b}.c1.$KV.${b}.>`, `$JS.API.STREAM.CREATE.KV_${b}`];
    for (const role of ['api', 'reconcilers'] as const) for (const x of subjects) expect(mayPublish(permissionsFor(s, role), x), `${role} ${x}`).toBe(true);
    for (const role of ['agent', 'proxy'] as const) for (const x of subjects) expect(mayPublish(permissionsFor(s, role, 'n1'), x), `${role} ${x}`).toBe(false);
  });

  it('confines a node to its own feed, heartbeat, logs and relay subjects, for any two node names', () => {
    const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(name, name, (me, other) => {
        fc.pre(me !== other);
        const p = permissionsFor(s, 'agent', me);
        const own = [`${s.prefix}.node.${me}.put`, `${s.prefix}.logs.${me}.default.web.c`, `$KV.${s.heartbeatBucket}.${me}`, `$JS.API.DIRECT.GET.KV_${s.nodeFeedBucket}.$KV.${s.nodeFeedBucket}.${me}.default.web`];
        const theirs = [`${s.prefix}.node.${other}.put`, `${s.prefix}.logs.${other}.default.web.c`, `$KV.${s.heartbeatBucket}.${other}`, `$JS.API.DIRECT.GET.KV_${s.nodeFeedBucket}.$KV.${s.nodeFeedBucket}.${other}.default.web`, `$JS.API.CONSUMER.CREATE.KV_${s.nodeFeedBucket}.c1.$KV.${s.nodeFeedBucket}.>`, `${s.prefix}.obj.pod.default.web`];
        return own.every((x) => mayPublish(p, x)) && theirs.every((x) => !mayPublish(p, x));
      }),
    );
  });

  it('gives every user an inbox of its own, and only that to subscribe to (but the relay for the API)', () => {
    expect(permissionsFor(s, 'agent', 'n1').sub.allow).toEqual([`${inboxPrefix('agent', 'n1')}.>`]);
    expect(permissionsFor(s, 'proxy', 'n1').sub.allow).toEqual(['_INBOX_proxy_n1.>']);
    expect(permissionsFor(s, 'reconcilers').sub.allow).toEqual(['_INBOX_reconcilers.>']);
    expect(permissionsFor(s, 'api').sub.allow).toEqual(['_INBOX_api.>', `${s.prefix}.node.*.>`]);
    expect(permissionsFor(s, 'api').resp).toBeDefined();
    expect(permissionsFor(s, 'agent', 'n1').resp).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from './errors.js';
import type { KObject } from './object.js';
import { formatSelectorMap, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorFromMap } from './selectors.js';

const matches = (selector: string, labels?: Record<string, string>) => matchesLabels(parseLabelSelector(selector), labels);

/** The error a parse throws, for assertions on its code and message. */
function parseError(f: () => unknown): BadRequestError {
  try {
    f();
  } catch (e) {
    if (e instanceof BadRequestError) return e;
    throw e;
  }
  throw new Error('expected a BadRequestError');
}

describe('parseLabelSelector', () => {
  it('given no selector or an empty one, returns the empty selector, which matches everything', () => {
    expect(parseLabelSelector(undefined)).toEqual([]);
    expect(parseLabelSelector('')).toEqual([]);
    expect(matchesLabels([], undefined)).toBe(true);
    expect(matchesLabels([], { app: 'web' })).toBe(true);
  });

  it('given equality terms with =, == and !=, and spaces around the operator, parses each requirement', () => {
    expect(parseLabelSelector('app=web, tier == front,env != prod')).toEqual([
      { key: 'app', op: '=', values: ['web'] },
      { key: 'tier', op: '=', values: ['front'] },
      { key: 'env', op: '!=', values: ['prod'] },
    ]);
  });

  it('given set-based terms, parses in, notin, exists and !exists, with commas inside the parentheses kept together', () => {
    expect(parseLabelSelector('env in (prod, qa),tier notin (db),canary,! legacy,!beta')).toEqual([
      { key: 'env', op: 'in', values: ['prod', 'qa'] },
      { key: 'tier', op: 'notin', values: ['db'] },
      { key: 'canary', op: 'exists', values: [] },
      { key: 'legacy', op: '!exists', values: [] },
      { key: 'beta', op: '!exists', values: [] },
    ]);
  });

  it('given a key with a DNS prefix, keeps the prefix as part of the key', () => {
    expect(parseLabelSelector('example.com/app=web')).toEqual([{ key: 'example.com/app', op: '=', values: ['web'] }]);
  });

  it('given an empty value after = or in (), parses it as the empty label value, as Kubernetes does', () => {
    expect(parseLabelSelector('app=')).toEqual([{ key: 'app', op: '=', values: [''] }]);
    expect(parseLabelSelector('app in ()')).toEqual([{ key: 'app', op: 'in', values: [''] }]);
    expect(matches('app=', { app: '' })).toBe(true);
    expect(matches('app=', {})).toBe(false);
  });

  it.each([
    ['app=web extra', 'found unexpected token'],
    ['env in prod', 'found unexpected token'],
    ['env in (prod,qa', 'found unexpected token'],
    ['!', 'found unexpected token'],
    ['=web', 'found unexpected token'],
    ['-app=web', 'invalid label key "-app"'],
    ['app_=web', 'invalid label key "app_"'],
    ['app=web/1', 'invalid label value "web/1"'],
    ['app=-web', 'invalid label value "-web"'],
    [`app=${'v'.repeat(64)}`, `invalid label value "${'v'.repeat(64)}"`],
    ['env in (prod,(qa))', 'invalid label value "(qa)"'],
  ])('given the malformed selector %j, throws a 400 BadRequest naming the problem', (selector, problem) => {
    const e = parseError(() => parseLabelSelector(selector));
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toContain('unable to parse requirement');
    expect(e.message).toContain(problem);
    expect(e.message).toContain(`in label selector "${selector}"`);
  });

  it('given a label value of exactly 63 characters, accepts it', () => {
    expect(parseLabelSelector(`app=${'v'.repeat(63)}`)).toHaveLength(1);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', env: 'prod', empty: '' };

  it.each([
    ['app=web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['missing=x', false],
    ['env in (qa,prod)', true],
    ['env in (qa)', false],
    ['missing in (qa)', false],
    ['env notin (qa)', true],
    ['env notin (prod)', false],
    ['missing notin (prod)', true],
    ['empty', true],
    ['missing', false],
    ['!missing', true],
    ['!empty', false],
    ['app=web,env=prod', true],
    ['app=web,env=qa', false],
  ])('given labels app=web,env=prod,empty="", when selected by %j, then matches is %s', (selector, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it('given an object without labels, matches only selectors that need no label', () => {
    expect(matches('app!=web', undefined)).toBe(true);
    expect(matches('!app', undefined)).toBe(true);
    expect(matches('app notin (web)', undefined)).toBe(true);
    expect(matches('app', undefined)).toBe(false);
    expect(matches('app in (web)', undefined)).toBe(false);
  });

  it('given a label inherited from the prototype chain, does not count it as present', () => {
    expect(matches('toString')).toBe(false);
    expect(matches('!constructor', {})).toBe(true);
  });
});

/** Label keys and values as the schemas accept them, with and without a DNS prefix. */
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?$/);
const labelName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/);
const labelKey = fc.tuple(fc.option(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), { nil: undefined }), labelName).map(([prefix, name]) => (prefix ? `${prefix.join('.')}/${name}` : name));
const labelValue = fc.oneof(fc.constant(''), labelName);
const labelMap = fc.dictionary(labelKey, labelValue, { maxKeys: 5 });

describe('selectorFromMap and formatSelectorMap', () => {
  it('given a selector map, formats it the way kubectl prints it', () => {
    expect(formatSelectorMap({ app: 'web', tier: 'front' })).toBe('app=web,tier=front');
    expect(formatSelectorMap(undefined)).toBe('');
    expect(selectorFromMap(undefined)).toEqual([]);
  });

  it('property: parsing the formatted map gives the selector of the map', () => {
    fc.assert(
      fc.property(labelMap, (m) => {
        expect(parseLabelSelector(formatSelectorMap(m))).toEqual(selectorFromMap(m));
      }),
      { numRuns: 200 },
    );
  });

  it('property: a map selects exactly the label sets that contain all of its pairs', () => {
    fc.assert(
      fc.property(labelMap, labelMap, (m, extra) => {
        const sel = selectorFromMap(m);
        expect(matchesLabels(sel, { ...extra, ...m })).toBe(true);
        const contained = Object.entries(m).every(([k, v]) => Object.prototype.hasOwnProperty.call(extra, k) && extra[k] === v);
        expect(matchesLabels(sel, extra)).toBe(contained);
      }),
      { numRuns: 200 },
    );
  });
});

const pod = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec, status }) as KObject;
const node = (spec: Record<string, unknown>): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec }) as KObject;

describe('parseFieldSelector', () => {
  it('given no selector, returns no requirements', () => {
    expect(parseFieldSelector('Pod', undefined)).toEqual([]);
    expect(parseFieldSelector('Pod', '')).toEqual([]);
  });

  it('given the fields every kind has and the kind-specific ones, parses =, == and != with spaces trimmed', () => {
    expect(parseFieldSelector('Pod', 'metadata.name=web-1, status.phase != Running,spec.nodeName==')).toEqual([
      { field: 'metadata.name', op: '=', value: 'web-1' },
      { field: 'status.phase', op: '!=', value: 'Running' },
      { field: 'spec.nodeName', op: '=', value: '' },
    ]);
    expect(parseFieldSelector('Service', 'metadata.namespace=default')).toEqual([{ field: 'metadata.namespace', op: '=', value: 'default' }]);
  });

  it('given a field the kind cannot be selected on, throws a 400 listing the fields it can', () => {
    const e = parseError(() => parseFieldSelector('Node', 'status.phase=Ready'));
    expect(e.code).toBe(400);
    expect(e.message).toBe('"status.phase" is not a known field selector: only "metadata.name", "metadata.namespace", "spec.unschedulable"');
  });

  it('given a term without an operator, throws a 400 quoting the term', () => {
    expect(parseError(() => parseFieldSelector('Pod', 'metadata.name=a,status.phase')).message).toBe("invalid selector: 'metadata.name=a,status.phase'; can't understand 'status.phase'");
  });
});

describe('matchesFields', () => {
  const select = (kind: string, selector: string, o: KObject) => matchesFields(parseFieldSelector(kind, selector), o);

  it('given a pod, selects on its name, node and phase', () => {
    const running = pod({ nodeName: 'node-1' }, { phase: 'Running' });
    expect(select('Pod', 'metadata.name=web-1', running)).toBe(true);
    expect(select('Pod', 'spec.nodeName=node-1,status.phase=Running', running)).toBe(true);
    expect(select('Pod', 'status.phase!=Running', running)).toBe(false);
  });

  it('given an unscheduled pod, matches an empty spec.nodeName, as kubectl uses to find pending pods', () => {
    expect(select('Pod', 'spec.nodeName=', pod({}))).toBe(true);
    expect(select('Pod', 'spec.nodeName!=', pod({}))).toBe(false);
  });

  it('given an event, selects source on the reporting component and involvedObject fields on the reference', () => {
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web-1' }, source: { component: 'kubelet' }, reason: 'Started' } as unknown as KObject;
    expect(select('Event', 'source=kubelet,involvedObject.kind=Pod,involvedObject.name=web-1,reason=Started', event)).toBe(true);
    expect(select('Event', 'involvedObject.uid=x', event)).toBe(false);
  });

  it('given cordoned and schedulable nodes, selects them by spec.unschedulable', () => {
    expect(select('Node', 'spec.unschedulable=true', node({ unschedulable: true }))).toBe(true);
    expect(select('Node', 'spec.unschedulable=true', node({}))).toBe(false);
    expect(select('Node', 'spec.unschedulable=false', node({ unschedulable: false }))).toBe(true);
  });

  it('given a node that never set spec.unschedulable, matches spec.unschedulable=false as Kubernetes does', () => {
    expect(select('Node', 'spec.unschedulable=false', node({}))).toBe(true);
    expect(select('Node', 'spec.unschedulable!=false', node({}))).toBe(false);
  });
});

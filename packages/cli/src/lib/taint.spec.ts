import { describe, expect, it } from 'vitest';
import type { Taint } from '@wharf/model';
import { parseTaintSpecs, reorganizeTaints, splitTaintArgs, taintString, taintTargets } from './taint.js';

const change = (...specs: string[]) => parseTaintSpecs(specs);
const dedicated: Taint = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
const other: Taint = { key: 'other', value: 'y', effect: 'NoExecute' };

describe('wharf taint: reading the arguments as kubectl does', () => {
  it('takes resources first, then taint specs', () => {
    expect(splitTaintArgs(['nodes', 'n1', 'n2', 'a=b:NoSchedule', 'c-'])).toEqual({ resources: ['nodes', 'n1', 'n2'], specs: ['a=b:NoSchedule', 'c-'] });
    expect(() => splitTaintArgs(['nodes', 'n1', 'a=1:NoSchedule', 'n2'])).toThrow('all resources must be specified before taint changes: n2');
    expect(() => splitTaintArgs(['nodes', 'n1'])).toThrow('at least one taint update is required');
    expect(() => splitTaintArgs(['a=1:NoSchedule'])).toThrow('one or more resources must be specified as <resource> <name>');
  });

  it('names nodes only', () => {
    expect(taintTargets(['nodes', 'n1', 'n2'], false)).toEqual(['n1', 'n2']);
    expect(taintTargets(['node'], true)).toEqual([]);
    expect(() => taintTargets(['pods', 'p'], false)).toThrow('invalid resource type pods, only node types are supported');
    expect(() => taintTargets(['nodes'], false)).toThrow("at least one resource name must be specified since 'all' parameter is not set");
    expect(() => taintTargets(['nodes', 'n1'], true)).toThrow(/cannot be given with --all/);
  });

  it('reads KEY[=VALUE]:EFFECT to add and KEY[:EFFECT]- to remove', () => {
    expect(change('dedicated=x:NoSchedule', 'gpu:NoExecute', 'example.com/team=a:PreferNoSchedule', 'old-', 'older:NoExecute-')).toEqual({
      add: [dedicated, { key: 'gpu', effect: 'NoExecute' }, { key: 'example.com/team', value: 'a', effect: 'PreferNoSchedule' }],
      remove: [{ key: 'old' }, { key: 'older', effect: 'NoExecute' }],
    });
  });

  it('refuses what kubectl refuses, with its words', () => {
    expect(() => change('x=1:Bad')).toThrow('invalid taint effect: Bad, unsupported taint effect');
    expect(() => change('x:Bad-')).toThrow('invalid taint effect: Bad, unsupported taint effect');
    expect(() => change('x=1')).toThrow(/^invalid taint spec: x=1, name part must consist of/);
    expect(() => change('a=b=c:NoSchedule')).toThrow('invalid taint spec: a=b=c:NoSchedule');
    expect(() => change('a:b:NoSchedule')).toThrow('invalid taint spec: a:b:NoSchedule');
    expect(() => change(':NoSchedule')).toThrow(/^invalid taint spec: :NoSchedule/);
    expect(() => change('a=-bad-:NoSchedule')).toThrow(/^invalid taint spec: a=-bad-:NoSchedule, a valid label/);
    expect(() => change('a=x:NoSchedule', 'a=y:NoSchedule')).toThrow('duplicated taints with the same key and effect: a=y:NoSchedule');
    expect(() => change('a=1:NoSchedule', 'a-')).toThrow('can not both modify and remove the following taint(s) in the same command: a=');
    expect(() => change('a=1:NoSchedule', 'a:NoSchedule-')).toThrow('can not both modify and remove the following taint(s) in the same command: a=NoSchedule');
    expect(change('a=1:NoSchedule', 'a:NoExecute-').remove).toEqual([{ key: 'a', effect: 'NoExecute' }]);
  });

  it('prints taints as kubectl does', () => {
    expect([dedicated, { key: 'k', effect: 'NoSchedule' }, { key: 'k' }].map(taintString)).toEqual(['dedicated=x:NoSchedule', 'k:NoSchedule', 'k']);
  });
});

describe('wharf taint: what a node\'s taints become', () => {
  it('given no taints, when one is added, then the node is tainted', () => {
    expect(reorganizeTaints('n1', [], change('dedicated=x:NoSchedule'), false)).toEqual({ operation: 'tainted', taints: [dedicated] });
  });

  it('given a taint, when another effect of its key is added, then both stay (new ones first)', () => {
    const gpu: Taint = { key: 'dedicated', effect: 'NoExecute' };
    expect(reorganizeTaints('n1', [dedicated], change('dedicated:NoExecute'), false)).toEqual({ operation: 'tainted', taints: [gpu, dedicated] });
  });

  it('given a taint, when its key and effect are added again without --overwrite, then kubectl\'s error', () => {
    expect(() => reorganizeTaints('n1', [dedicated, other], change('dedicated=z:NoSchedule'), false)).toThrow('node n1 already has dedicated taint(s) with same effect(s) and --overwrite is false');
    expect(() => reorganizeTaints('n1', [dedicated], change('dedicated=x:NoSchedule'), false)).toThrow(/already has dedicated taint/);
  });

  it('given a taint, when it is added with --overwrite, then its value is replaced in place of the old', () => {
    expect(reorganizeTaints('n1', [other, dedicated], change('dedicated=z:NoSchedule'), true)).toEqual({ operation: 'modified', taints: [{ ...dedicated, value: 'z' }, other] });
  });

  it('given taints, when one is removed by key, then every effect of that key goes', () => {
    const both: Taint[] = [dedicated, { key: 'dedicated', effect: 'NoExecute' }, other];
    expect(reorganizeTaints('n1', both, change('dedicated-'), false)).toEqual({ operation: 'untainted', taints: [other] });
    expect(reorganizeTaints('n1', both, change('dedicated:NoExecute-'), false)).toEqual({ operation: 'untainted', taints: [dedicated, other] });
  });

  it('given a taint, when one is added and another removed, then the node is modified', () => {
    expect(reorganizeTaints('n1', [dedicated], change('other=y:NoExecute', 'dedicated-'), false)).toEqual({ operation: 'modified', taints: [other] });
  });

  it('given no such taint, when it is removed, then "not found", as kubectl says', () => {
    expect(() => reorganizeTaints('n2', [other], change('dedicated-'), false)).toThrow('taint "dedicated" not found');
    expect(() => reorganizeTaints('n2', [dedicated], change('dedicated:NoExecute-'), false)).toThrow('taint "dedicated:NoExecute" not found');
  });
});

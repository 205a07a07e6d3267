import { describe, expect, it } from 'vitest';
import { formatIpv4Cidr, type NodeCidrRange } from '@wharf/model';
import { type RecordedNodeCidrs, StartupError } from '@wharf/store';
import { rangeFromFlags, refuseServiceOverlap, settleRange } from './range.js';

/** A bucket's range record in memory: the first record wins. */
function bucket(recorded?: RecordedNodeCidrs) {
  let held = recorded;
  return {
    async recordRange(r: RecordedNodeCidrs) {
      held ??= r;
      return held;
    },
    get recorded() {
      return held;
    },
  };
}
const text = (r: NodeCidrRange) => `${formatIpv4Cidr(r.cluster)} /${r.maskSize}`;

describe('rangeFromFlags', () => {
  it('given no flags, is 10.244.0.0/16 in /24s', () => {
    expect(text(rangeFromFlags({}))).toBe('10.244.0.0/16 /24');
  });

  it('given a bad CIDR or mask, throws a one-line StartupError naming the flag', () => {
    expect(() => rangeFromFlags({ clusterCidr: '10.244.0.0' })).toThrow(new StartupError('--cluster-cidr: "10.244.0.0" is not an IPv4 CIDR (like 10.96.0.0/16)'));
    expect(() => rangeFromFlags({ clusterCidr: '10.244.0.0/24', nodeCidrMaskSize: '24' })).toThrow(new StartupError("--node-cidr-mask-size 24 must be longer than the cluster CIDR's prefix (10.244.0.0/24 is a /24)"));
    expect(() => rangeFromFlags({ nodeCidrMaskSize: '31' })).toThrow(StartupError);
  });
});

describe('settleRange', () => {
  it('given a new cluster, records the flags (or the defaults) and uses them', async () => {
    const b = bucket();
    expect(text(await settleRange(b, { clusterCidr: '10.250.0.0/20', nodeCidrMaskSize: '26' }))).toBe('10.250.0.0/20 /26');
    expect(b.recorded).toEqual({ clusterCIDR: '10.250.0.0/20', nodeCIDRMaskSize: 26 });
    const d = bucket();
    await settleRange(d, {});
    expect(d.recorded).toEqual({ clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 });
  });

  it('given a recorded range and no flags, takes the recorded one', async () => {
    expect(text(await settleRange(bucket({ clusterCIDR: '10.250.0.0/20', nodeCIDRMaskSize: 26 }), {}))).toBe('10.250.0.0/20 /26');
  });

  it('given flags that name another range or mask than the recorded one, refuses in one line', async () => {
    const b = bucket({ clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 });
    await expect(settleRange(b, { clusterCidr: '10.245.0.0/16' })).rejects.toThrow(
      new StartupError("--cluster-cidr 10.245.0.0/16 differs from this cluster's pod network 10.244.0.0/16 in /24s (recorded by its first nodeipam reconciler): every wharf-reconcilers must use --cluster-cidr 10.244.0.0/16 --node-cidr-mask-size 24"),
    );
    await expect(settleRange(b, { nodeCidrMaskSize: '25' })).rejects.toThrow(/^--node-cidr-mask-size 25 differs from this cluster's pod network 10\.244\.0\.0\/16 in \/24s/);
    expect(text(await settleRange(b, { clusterCidr: '10.244.3.0/16', nodeCidrMaskSize: '24' }))).toBe('10.244.0.0/16 /24');
  });

  it('checks the flags before recording, and the recorded range before using it', async () => {
    const b = bucket();
    const refuse = (r: NodeCidrRange) => {
      throw new StartupError(`no ${text(r)}`);
    };
    await expect(settleRange(b, { clusterCidr: '10.1.0.0/16' }, refuse)).rejects.toThrow('no 10.1.0.0/16 /24');
    expect(b.recorded).toBeUndefined();
    await expect(settleRange(bucket({ clusterCIDR: '10.2.0.0/16', nodeCIDRMaskSize: 24 }), {}, refuse)).rejects.toThrow('no 10.2.0.0/16 /24');
  });
});

describe('refuseServiceOverlap', () => {
  it('given a pod network over the service range, refuses it in one line', () => {
    expect(() => refuseServiceOverlap(rangeFromFlags({ clusterCidr: '10.96.0.0/12', nodeCidrMaskSize: '24' }), '10.96.0.0/16')).toThrow("--cluster-cidr: 10.96.0.0/12 overlaps this cluster's service range 10.96.0.0/16; choose a range clear of it");
    expect(() => refuseServiceOverlap(rangeFromFlags({}), '10.96.0.0/16')).not.toThrow();
    expect(() => refuseServiceOverlap(rangeFromFlags({}), undefined)).not.toThrow();
  });
});

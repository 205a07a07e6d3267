import { describe, expect, it } from 'vitest';
import { parseDuration, parseLabels, parseTaints, agentConfig } from './flags.js';
import { isFresh } from './heartbeat.js';
import { resumePoint } from './logship.js';
import { nodeObject, type NodeFacts } from './node.js';
import { demuxLines } from './runtime/demux.js';
import { rowInfo } from './runtime/docker.js';

describe('flags', () => {
  it('parses durations, labels and taints', () => {
    expect([parseDuration('x', '500ms'), parseDuration('x', '2s'), parseDuration('x', '1.5m'), parseDuration('x', '3')]).toEqual([500, 2000, 90_000, 3000]);
    expect(() => parseDuration('x', 'soon')).toThrow(/--x/);
    expect(parseLabels('a=1, b=')).toEqual({ a: '1', b: '' });
    expect(parseTaints('dedicated=db:NoSchedule,gpu:NoExecute')).toEqual([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'gpu', effect: 'NoExecute' }]);
    expect(() => parseTaints('x=y:Sometimes')).toThrow(/Effect/);
  });

  it('builds the agent config with defaults', () => {
    const c = agentConfig(['--node', 'n1', '--address', '10.0.0.1', '--backoff-base', '1s']);
    expect(c).toMatchObject({ node: 'n1', address: '10.0.0.1', heartbeatMs: 2000, maxPods: 110, stateDir: '/var/lib/wharf/agent/n1', backoff: { baseMs: 1000, capMs: 300_000, resetMs: 600_000 } });
  });
});

describe('heartbeat freshness', () => {
  it('is fresh within 3 intervals', () => {
    const hb = { node: 'n', instance: 'i', address: 'a', intervalMs: 1000, time: new Date(10_000).toISOString() };
    expect(isFresh(hb, 12_900, 1000)).toBe(true);
    expect(isFresh(hb, 13_100, 1000)).toBe(false);
  });
});

describe('log shipping resume point', () => {
  const o = { podUid: 'u', restartCount: 2 };
  it('ships everything when nothing of this instance was shipped', () => {
    expect(resumePoint(o, undefined)).toEqual({ skip: false, sinceSeconds: 0 });
    expect(resumePoint(o, { podUid: 'other', restartCount: 5, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: false, sinceSeconds: 0 });
    expect(resumePoint(o, { podUid: 'u', restartCount: 1, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: false, sinceSeconds: 0 });
  });
  it('resumes after the last shipped line of the same instance, and skips older instances', () => {
    expect(resumePoint(o, { podUid: 'u', restartCount: 2, time: '2025-01-01T00:00:07.123456789Z' })).toEqual({ skip: false, sinceSeconds: 1735689607, after: 1735689607123456789n });
    expect(resumePoint(o, { podUid: 'u', restartCount: 3, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: true });
  });
});

describe('docker log demux', () => {
  const frame = (stream: 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = stream;
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  it('splits frames into stamped lines, across chunk boundaries', async () => {
    const all = Buffer.concat([frame(1, '2025-01-01T00:00:00.1Z hello\n'), frame(2, '2025-01-01T00:00:00.2Z oops\n')]);
    async function* chunks() {
      yield all.subarray(0, 5);
      yield all.subarray(5, 30);
      yield all.subarray(30);
    }
    const out = [];
    for await (const l of demuxLines(chunks())) out.push(l);
    expect(out).toEqual([
      { stream: 'stdout', time: '2025-01-01T00:00:00.1Z', text: 'hello' },
      { stream: 'stderr', time: '2025-01-01T00:00:00.2Z', text: 'oops' },
    ]);
  });
});

describe('node object', () => {
  const facts: NodeFacts = { name: 'n1', address: '10.0.0.1', hostname: 'host', cpus: 2, memoryBytes: 4 * 2 ** 30, maxPods: 110, labels: { zone: 'a' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], kernelVersion: '6.1', osImage: 'Debian', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'docker://20.10.24', machineID: 'm', bootID: 'b' };
  it('registers a new node, and refreshes an existing one keeping its transition time and taints', () => {
    const first = nodeObject(undefined, facts, '2025-01-01T00:00:00Z', 'uid-1');
    expect(first.type).toBe('NodeRegistered');
    expect(first.object.status?.capacity).toEqual({ cpu: '2', memory: '4194304Ki', pods: '110' });
    expect(first.object.metadata.labels).toEqual({ 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', zone: 'a' });
    expect(first.object.spec?.taints).toEqual(facts.taints);
    const existing = { ...first.object, spec: { taints: [{ key: 'other', effect: 'NoExecute' as const }] } };
    const again = nodeObject(existing, facts, '2025-01-02T00:00:00Z');
    expect(again.type).toBe('NodeStatusUpdated');
    expect(again.object.metadata.uid).toBe('uid-1');
    expect(again.object.spec?.taints).toEqual([{ key: 'other', effect: 'NoExecute' }, ...facts.taints]);
    expect(again.object.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: '2025-01-01T00:00:00Z', lastHeartbeatTime: '2025-01-02T00:00:00Z' });
  });
});

describe('a container described from docker ps alone', () => {
  it('keeps its identity, labels, state and published ports', () => {
    const info = rowInfo({
      Id: 'abc',
      Names: ['/wharf_default_web_app'],
      Image: 'wharf.local/microservice1:1',
      ImageID: 'sha256:1',
      Command: '',
      Created: 1_700_000_000,
      Ports: [{ IP: '127.0.0.1', PrivatePort: 3000, PublicPort: 32768, Type: 'tcp' }, { PrivatePort: 9000, Type: 'tcp' }],
      Labels: { 'wharf.pod-uid': 'u1' },
      State: 'running',
      Status: 'Up 1 second',
      HostConfig: { NetworkMode: 'default' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    });
    expect(info).toMatchObject({ id: 'abc', name: 'wharf_default_web_app', running: true, exitCode: 0, imageID: 'docker://sha256:1', labels: { 'wharf.pod-uid': 'u1' }, createdAt: '2023-11-14T22:13:20.000Z' });
    expect(info.ports).toEqual([{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 32768 }]);
    expect(info.startedAt).toBeUndefined();
    expect(rowInfo({ Id: 'x', Names: [], Image: 'i', ImageID: 'j', Command: '', Created: 0, Labels: {}, State: 'created', Status: 'Created', HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: {} }, Mounts: [] }).running).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { rowInfo } from './docker.js';

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

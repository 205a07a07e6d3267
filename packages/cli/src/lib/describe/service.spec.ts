import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '@wharf/model';
import { captureIo, routedClient } from '../fake.spec-helper.js';
import { kindOf } from '@wharf/client';
import { runDescribe } from './index.js';
import { describeService } from './service.js';
import { renderLines } from './format.js';

const svc: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'microservice1', namespace: 'default', labels: { name: 'microservice1', app: 'demo' } },
  spec: { type: 'NodePort', selector: { name: 'microservice1' }, ports: [{ port: 3000, targetPort: 3000, protocol: 'TCP', nodePort: 31234 }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster' },
};
const ep: Endpoints = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'microservice1', namespace: 'default' },
  subsets: [
    { addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 32001, protocol: 'TCP' }] },
    { addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 32002, protocol: 'TCP' }] },
  ],
};

describe('describe service', () => {
  it('prints kubectl’s rows, aligned, with NodePort and the endpoints of the port', () => {
    expect(renderLines(describeService(svc, ep))).toBe(
      [
        'Name:                     microservice1',
        'Namespace:                default',
        'Labels:                   app=demo',
        '                          name=microservice1',
        'Annotations:              <none>',
        'Selector:                 name=microservice1',
        'Type:                     NodePort',
        'IP:                       <none>',
        'Port:                     <unset>  3000/TCP',
        'TargetPort:               3000/TCP',
        'NodePort:                 <unset>  31234/TCP',
        'Endpoints:                127.0.0.1:32001,127.0.0.1:32002',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        '',
      ].join('\n'),
    );
  });

  it('shows <none> without Endpoints, and fetches the Service and its Endpoints', async () => {
    expect(renderLines(describeService(svc, undefined))).toMatch(/^Endpoints:\s+<none>$/m);
    const { client, calls } = routedClient({
      'GET /api/v1/namespaces/default/services/microservice1': svc,
      'GET /api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DService%2CinvolvedObject.name%3Dmicroservice1': { apiVersion: 'v1', kind: 'EventList', metadata: {}, items: [] },
    });
    const io = captureIo();
    await runDescribe(client, kindOf('svc'), 'default', 'microservice1', (t) => io.out(t));
    expect(calls).toContain('GET /api/v1/namespaces/default/services/microservice1');
    expect(calls).toContain('GET /api/v1/namespaces/default/endpoints/microservice1');
    expect(io.stdout).toMatch(/^Endpoints:\s+<none>$/m);
    expect(io.stdout).toMatch(/^Events:\s+<none>$/m);
  });

  it('prints the cluster IP and its IPs line when the Service has one', () => {
    const out = renderLines(describeService({ ...svc, spec: { ...svc.spec, clusterIP: '10.96.4.2', clusterIPs: ['10.96.4.2'] } }, ep));
    expect(out).toContain('IP:                       10.96.4.2\nIPs:                      10.96.4.2\n');
  });
});

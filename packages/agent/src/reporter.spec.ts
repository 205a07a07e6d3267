import { describe, expect, it } from 'vitest';
import { ForbiddenError, type Pod, type Stored } from '@wharf/model';
import type { NodeObjects } from './relay.js';
import { StatusReporter } from './reporter.js';

const pod: Stored<Pod> = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', uid: 'old-uid', resourceVersion: '7' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } };

describe('StatusReporter', () => {
  it('given a pod whose name now belongs to a pod bound to another node (the relay refuses it), when it reports, then it writes nothing and does not fail', async () => {
    const objects: NodeObjects = {
      change: () => Promise.reject(new ForbiddenError('pods "web-0" is forbidden: node "n1" is not allowed to read pod "default/web-0": it is bound to node "n2"')),
    };
    await expect(new StatusReporter(objects, 'n1', '10.0.0.1').report(pod, [], undefined, Date.now())).resolves.toBe(false);
  });
});

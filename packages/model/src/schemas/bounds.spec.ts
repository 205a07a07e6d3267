import { describe, expect, it } from 'vitest';
import { decode } from '../decode.js';
import { InvalidError } from '../errors.js';
import { mustKind } from '../kinds.js';

const container = { name: 'c', image: 'i' };
const pod = (spec: Record<string, unknown> = {}, c: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ ...container, ...c }], ...spec } });
const rc = (spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'r' },
  spec: { selector: { a: 'b' }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } }, ...spec },
});
const service = (port: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, ...port }], ...spec } });
const probe = (p: Record<string, unknown>) => pod({}, { livenessProbe: { tcpSocket: { port: 80 }, ...p } });

/** The fields and messages of the 422 a body gets, or 'valid'. */
function outcome(body: { kind: string }): string[] | 'valid' {
  try {
    decode(mustKind(body.kind as 'Pod'), body);
    return 'valid';
  } catch (e) {
    if (!(e instanceof InvalidError)) throw e;
    return e.causes.map((c) => `${c.field}: ${c.message}`);
  }
}

describe('integers bounded as Kubernetes bounds them (422 naming the field)', () => {
  it.each([
    ['replicas past int32', rc({ replicas: 2 ** 31 }), 'spec.replicas: must be less than or equal to 2147483647'],
    ['negative replicas', rc({ replicas: -1 }), 'spec.replicas: must be greater than or equal to 0'],
    ['fractional replicas', rc({ replicas: 1.5 }), 'spec.replicas: Invalid input: expected int, received number'],
    ['replicas past 2^53', rc({ replicas: 1e300 }), 'spec.replicas: must be less than or equal to 2147483647'],
    ['negative minReadySeconds', rc({ minReadySeconds: -5 }), 'spec.minReadySeconds: must be greater than or equal to 0'],
    ['containerPort 0', pod({}, { ports: [{ containerPort: 0 }] }), 'spec.containers[0].ports[0].containerPort: must be between 1 and 65535, inclusive'],
    ['containerPort 65536', pod({}, { ports: [{ containerPort: 65536 }] }), 'spec.containers[0].ports[0].containerPort: must be between 1 and 65535, inclusive'],
    ['fractional containerPort', pod({}, { ports: [{ containerPort: 80.5 }] }), 'spec.containers[0].ports[0].containerPort: Invalid input: expected int, received number'],
    ['hostPort 70000', pod({}, { ports: [{ containerPort: 80, hostPort: 70000 }] }), 'spec.containers[0].ports[0].hostPort: must be between 0 and 65535, inclusive'],
    ['negative terminationGracePeriodSeconds', pod({ terminationGracePeriodSeconds: -1 }), 'spec.terminationGracePeriodSeconds: must be greater than or equal to 0'],
    ['fractional terminationGracePeriodSeconds', pod({ terminationGracePeriodSeconds: 0.5 }), 'spec.terminationGracePeriodSeconds: Invalid input: expected int, received number'],
    ['priority past int32', pod({ priority: 2 ** 31 }), 'spec.priority: must be less than or equal to 2147483647'],
    ['probe periodSeconds 0', probe({ periodSeconds: 0 }), 'spec.containers[0].livenessProbe.periodSeconds: must be greater than or equal to 1'],
    ['probe failureThreshold past int32', probe({ failureThreshold: 2 ** 31 }), 'spec.containers[0].livenessProbe.failureThreshold: must be less than or equal to 2147483647'],
    ['negative probe initialDelaySeconds', probe({ initialDelaySeconds: -1 }), 'spec.containers[0].livenessProbe.initialDelaySeconds: must be greater than or equal to 0'],
    ['probe port 0', probe({ tcpSocket: { port: 0 } }), 'spec.containers[0].livenessProbe.tcpSocket.port: must be between 1 and 65535, inclusive'],
    ['probe port name too long', probe({ tcpSocket: { port: 'a-very-long-port-name' } }), 'spec.containers[0].livenessProbe.tcpSocket.port: must be no more than 15 characters'],
    ['service port 65536', service({ port: 65536 }), 'spec.ports[0].port: must be between 1 and 65535, inclusive'],
    ['service targetPort 70000', service({ targetPort: 70000 }), 'spec.ports[0].targetPort: must be between 1 and 65535, inclusive'],
    ['nodePort 70000', service({ nodePort: 70000 }, { type: 'NodePort' }), 'spec.ports[0].nodePort: must be between 0 and 65535, inclusive'],
    ['negative deletionGracePeriodSeconds', { ...pod(), metadata: { name: 'p', deletionGracePeriodSeconds: -1 } }, 'metadata.deletionGracePeriodSeconds: must be greater than or equal to 0'],
  ])('given %s, answers 422 naming the field', (_case, body, cause) => {
    expect(outcome(body)).toEqual([cause]);
  });

  it('accepts the bounds themselves', () => {
    expect(outcome(rc({ replicas: 2 ** 31 - 1, minReadySeconds: 0 }))).toBe('valid');
    expect(outcome(pod({ terminationGracePeriodSeconds: Number.MAX_SAFE_INTEGER, priority: -(2 ** 31) }, { ports: [{ containerPort: 65535, hostPort: 0 }] }))).toBe('valid');
    expect(outcome(probe({ tcpSocket: { port: 'http' }, periodSeconds: 1, initialDelaySeconds: 0 }))).toBe('valid');
    expect(outcome(service({ port: 1, targetPort: 'web' }))).toBe('valid');
  });

  it('bounds annotations to 256 KiB in all, as Kubernetes does', () => {
    const annotated = (bytes: number) => ({ ...pod(), metadata: { name: 'p', annotations: { a: 'x'.repeat(bytes - 1) } } });
    expect(outcome(annotated(256 * 1024))).toBe('valid');
    expect(outcome(annotated(256 * 1024 + 1))).toEqual(['metadata.annotations: Too long: must have at most 262144 bytes']);
  });
});

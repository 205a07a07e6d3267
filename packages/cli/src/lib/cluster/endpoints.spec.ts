import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigText } from './endpoints.js';

describe('kubeconfigText', () => {
  it('has the endpoint as the current context and one context per API server', () => {
    const k = parse(kubeconfigText({ cluster: 'default', primary: 'https://lb:6443', apiServers: ['https://10.0.0.1:6443', 'https://10.0.0.2:6443'], token: 't', certificateAuthority: 'PEM' })) as {
      clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
      contexts: { name: string; context: { cluster: string; user: string } }[];
      'current-context': string;
      users: { name: string; user: { token: string } }[];
    };
    expect(k.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
      ['wharf-default', 'https://lb:6443'],
      ['wharf-default-10.0.0.1', 'https://10.0.0.1:6443'],
      ['wharf-default-10.0.0.2', 'https://10.0.0.2:6443'],
    ]);
    expect(k.clusters.every((c) => Buffer.from(c.cluster['certificate-authority-data'], 'base64').toString() === 'PEM')).toBe(true);
    expect(k['current-context']).toBe('wharf-default');
    expect(k.contexts.map((c) => c.context.user)).toEqual(['admin@wharf-default', 'admin@wharf-default', 'admin@wharf-default']);
    expect(k.users).toEqual([{ name: 'admin@wharf-default', user: { token: 't' } }]);
  });
});

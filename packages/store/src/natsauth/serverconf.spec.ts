import { describe, expect, it } from 'vitest';
import { routesFileText, secureServerConfig } from './serverconf.js';

const base = { serverName: 'wharf-h0', listen: '10.0.0.1:4222', storeDir: '/d', resolverDir: '/d/jwt', operatorJwt: 'OJ', systemAccount: 'AS', preload: { AS: 'J' }, tls: { certFile: '/c', keyFile: '/k', caFile: '/ca' } };

describe('secureServerConfig', () => {
  it('has no cluster block for a single control plane', () => {
    expect(secureServerConfig(base)).not.toContain('cluster');
  });
  it('a cluster member routes over mutual TLS with a route password and includes its routes file', () => {
    const text = secureServerConfig({ ...base, pidFile: '/run/n.pid', cluster: { name: 'wharf-default', listen: '10.0.0.1:6222', routesFile: 'routes.conf', user: 'wharf-route', password: 'secret', tls: { certFile: '/c', keyFile: '/k', caFile: '/ca' } } });
    const cluster = text.slice(text.indexOf('cluster {'));
    expect(cluster).toMatch(/authorization \{\s+user: "wharf-route"\s+password: "secret"/);
    expect(cluster).toMatch(/tls \{[^}]*ca_file: "\/ca"[^}]*verify: true/);
    expect(cluster).toContain('include "routes.conf"');
    expect(text).toContain('pid_file: "/run/n.pid"');
  });
});

describe('routesFileText', () => {
  it('puts the route user and password in every route', () => {
    expect(routesFileText(['nats-route://10.0.0.1:6222', 'nats-route://10.0.0.2:6222'], 'wharf-route', 'p/w')).toContain('"nats-route://wharf-route:p%2Fw@10.0.0.2:6222"');
  });
});

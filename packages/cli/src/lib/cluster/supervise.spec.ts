import { describe, expect, it } from 'vitest';
import { unitFile } from './supervise.js';

describe('unitFile', () => {
  it('runs the command with its flags quoted for systemd, restarts it, and starts it at boot', () => {
    const u = unitFile({ name: 'wharf-api', command: '/usr/bin/node', args: ['/opt/w/wharf-api.js', '--listen', '10.0.0.1:6443', '--pki-dir', '/etc/wharf dir/pki'], description: 'Wharf API server' });
    expect(u).toContain("ExecStart=/usr/bin/node /opt/w/wharf-api.js --listen 10.0.0.1:6443 --pki-dir '/etc/wharf dir/pki'\n");
    expect(u).toContain('Restart=always');
    expect(u).toContain('WantedBy=multi-user.target');
    expect(u).not.toContain('KillMode');
  });

  it('lets the agent\'s containers outlive it (a restarted agent adopts them)', () => {
    expect(unitFile({ name: 'wharf-agent', command: 'wharf-agent', args: [], description: 'Wharf node agent' })).toContain('KillMode=process');
  });
});

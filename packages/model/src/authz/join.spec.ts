import { describe, expect, it } from 'vitest';
import { isRegistryAddress } from './join.js';

describe('isRegistryAddress', () => {
  it('takes HOST:PORT with a host name or an IPv4 address', () => {
    for (const ok of ['10.0.0.5:5000', 'seed:443', 'registry.example-1.org:65535', 'a:1']) expect(isRegistryAddress(ok), ok).toBe(true);
  });
  it('refuses paths, missing or out-of-range ports, schemes and brackets', () => {
    for (const bad of ['seed', 'seed:', 'seed:0', 'seed:65536', '../etc:5000', 'a/b:5000', '[::1]:5000', 'https://seed:5000', '-seed:5000', 'seed.:5000', '']) {
      expect(isRegistryAddress(bad), bad).toBe(false);
    }
  });
});

import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { caCertHash, CaCertHashError } from './ca-hash.js';

// A fixed CA (openssl req -x509 -newkey ec ... -subj /CN=wharf-ca-spec). Its pin, computed with
//   openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum
const CA = `-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUEV7udqwyi5D+fyNAPYUuZfN0aBAwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNd2hhcmYtY2Etc3BlYzAgFw0yNjExMzAxNTEwMzBaGA8yMTI2
MTEwNjE1MTAzMFowGDEWMBQGA1UEAwwNd2hhcmYtY2Etc3BlYzBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABNG+oZmpus+Mqd/AFMKa7Mz95QMbR72FbE70DzzyXX5c
RVbv/60yYUHQTnVmC97H5Nbw/JKVOzSdfUS8SnjqNEajUzBRMB0GA1UdDgQWBBTr
7jBYhXOYQntrxhK+l1Xj8JC72jAfBgNVHSMEGDAWgBTr7jBYhXOYQntrxhK+l1Xj
8JC72jAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCnpdOJAzWh
wklqdt+O/X327zneqOGj/Z2hqo8ZCJ7V4wIhAOnLpa1Y/l2OBk6d2gAKC/611ybu
0FZ3Rreq8tuyTg6r
-----END CERTIFICATE-----
`;
const PIN = 'sha256:443f0b87bad0238e6bf9009b0e33b2726d4cef70381565a128fb3df94956ed70';

describe('caCertHash (kubeadm --discovery-token-ca-cert-hash)', () => {
  it('is the SHA-256 of the DER SubjectPublicKeyInfo, as openssl computes it', () => {
    expect(caCertHash(CA)).toBe(PIN);
  });

  it('pins the key, not the whole certificate', () => {
    const certHash = createHash('sha256').update(new X509Certificate(CA).raw).digest('hex');
    expect(caCertHash(CA)).not.toBe(`sha256:${certHash}`);
  });

  it('takes the first certificate of a bundle, and ignores text around it', () => {
    expect(caCertHash(`subject=CN=wharf-ca-spec\n${CA}${CA}`)).toBe(PIN);
  });

  it('says so when there is no certificate', () => {
    expect(() => caCertHash('')).toThrow(CaCertHashError);
    expect(() => caCertHash('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(/invalid certificate/);
  });
});

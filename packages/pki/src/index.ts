/** @wharf/pki: the cluster CA and the serving certificates it signs, made with openssl. */

export { type KeyPair, makeCA, signServingCert, subjectAltNames } from './certs.js';
export { OpensslError } from './openssl.js';
export { type CertRequest, issueCert, makeCsr, signCsr } from './leaf.js';

/** The cluster image registry: run it (`wharf init`), trust it (`wharf join`), forget it (`wharf reset`). */

export { registryComplaint, registryConfig, type RegistryConfigInput, registryHostPort } from './config.js';
export { prepareRegistry, type PreparedRegistry, registryAnswers, registryCertificate, RegistryError, type RegistryOptions, type RunningRegistry, startRegistry, waitForRegistry } from './serve.js';
export { distrustRecorded, distrustRegistry, DOCKER_CERTS_DIR, type TrustRecord, type Trusted, trustRegistries, trustRegistry, withTrusted } from './trust.js';

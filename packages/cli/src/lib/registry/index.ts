/** The cluster image registry: run it (`wharf init`), trust it (`wharf join`). */

export { registryComplaint, registryConfig, type RegistryConfigInput, registryHostPort } from './config.js';
export { registryCertificate, RegistryError, type RegistryOptions, type RunningRegistry, startRegistry } from './serve.js';
export { distrustRegistry, DOCKER_CERTS_DIR, trustRegistry } from './trust.js';

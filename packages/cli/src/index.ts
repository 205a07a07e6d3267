/** @wharf/cli: the `wharf` command line; its logic is exported for tests and embedding. */
export { applyManifests, objectNamespace, prepare } from './lib/apply.js';
export { normalizeArgv, parseDuration } from './lib/argv.js';
export { type ConfigFile, type ConfigFlags, DEFAULT_SERVER, defaultConfigPath, readConfigFile, resolveConfig, type WharfConfig } from './lib/config.js';
export { cliPackageDir, DEPLOY_MARKER, deployDirCandidates, DeployFilesNotFoundError, findDeployDir } from './lib/deploy.js';
export { deletedMessage, type DeleteOptions, type DeleteTarget, gracePeriod, runDelete, waitForDeletion } from './lib/delete.js';
export { describeLines, describeText, type Related, runDescribe } from './lib/describe/index.js';
export { describeService, endpointsOfPort } from './lib/describe/service.js';
export { CliError, formatError, withSource } from './lib/errors.js';
export { type GetOptions, noResourcesMessage, runGet } from './lib/get.js';
export { expandPath, type Manifest, type ManifestBatch, parseManifests, readAll, readManifests } from './lib/manifests.js';
export { asList, formatObjects, formatWatched, type ObjectFormat, resourceName, toJson, toYaml, withTypeMeta } from './lib/output.js';
export { cellText, columnWidths, formatTable, layoutTable, renderLines, type TableView, type TextTable } from './lib/tabwriter.js';
export { parseSingleTarget, parseTargets, type Target } from './lib/targets.js';

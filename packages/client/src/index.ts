/** @wharf/client: a small HTTP client of the Wharf API server. */
export { asTable, type ClientOptions, type DeleteOptions, type Fetch, type FetchInit, type KList, type ListOptions, type LogOptions, TABLE_ACCEPT, type WatchEvent, type WatchOptions, WharfClient } from './client.js';
export { errorFromResponse, ServerUnreachableError, UnknownKindError } from './errors.js';
export { kindOf, type PathTarget, queryString, resourcePath } from './paths.js';
export { lines, ndjson, textChunks } from './ndjson.js';
export { type AuditLog, type AuditQuery, HistoryApi } from './history.js';
export { TokensApi } from './tokens.js';

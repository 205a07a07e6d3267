/** @wharf/store: Wharf's I/O on NATS JetStream: the event store and its projections, object writes, KV wrappers (node feed, proxy acknowledgements), the Service/Endpoints feed, container logs, snapshots and time travel, and the daemons' flags and logger. */

export { LatestBySubject, type LatestMessage } from './compaction.js';
export { COMMON_FLAGS, DEFAULT_SHUTDOWN_SECONDS, type FlagSpec, helpText, parseFlags, runMain, StartupError, UsageError } from './config.js';
export { compareVersions, connectNats, MIN_NATS_VERSION, NatsUnavailableError } from './connect.js';
export { compareLogTimes, LOG_HEADERS, type LogLine, type LogLineInput, type LogReadOptions, LogStore, type LogStoreOptions, timeKey } from './containerlogs.js';
export { type CorruptCount, CorruptLog } from './corrupt.js';
export { readObject } from './direct.js';
export { EventStore, type EventStoreOptions, type LogMessage, type PendingDecoded, StaleSequenceError, type StreamSettings } from './eventstore.js';
export { causeChain, type DerivedEventQuery, derivedEvents, objectHistory, whyObject } from './history/queries.js';
export { eventAt, type RangeOptions, readRange, readRangeDecoded, seqAtTime, subjectHistory } from './history/read.js';
export { createLogger, type Logger } from './logger.js';
export { type FeedEntry, NodeFeed } from './nodefeed.js';
export { NODE_RELAY_QUEUE, NODE_RELAY_TIMEOUT_MS, NodeRelayClient, type RelayHandler, type RelayRequest, RelayUnavailableError, type ServedRelay, serveNodeRelay } from './noderelay.js';
export { type ChangeOptions, type ObjectLog, Objects, type ObjectView, type WriteContext } from './objects.js';
export { type ChangeListener, Projection } from './projection.js';
export { type HostPort, isProxyAck, type ProxyAck, type ProxyAckChange, ProxyAcks } from './proxyacks.js';
export { AckedPublisher } from './publisher.js';
export { closeOnSignals, type CloseOptions, type GracefulClose, shutdownTimeoutMs } from './shutdown.js';
export { type FeedListener, ServiceFeed } from './servicefeed.js';
export { initialState } from './snapshot/boot.js';
export { type SnapshotPolicy, Snapshotter } from './snapshot/snapshotter.js';
export { snapshotName, SnapshotStore } from './snapshot/store.js';
export { replayOnto, TimeTravel } from './snapshot/timetravel.js';
export { verifyReplay } from './snapshot/verify.js';

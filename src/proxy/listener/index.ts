// The sidecar's listeners: sockets, listener filters, filter-chain matching and the manager.
export * from './connection-handler.js';
export * from './filter-chain-match.js';
export * from './http-inspector.js';
export * from './listener-filters.js';
export * from './listener-manager.js';
export * from './original-destination.js';
export * from './timers.js';
export * from './tls-client-hello.js';
export type { ConnectionMeta } from './active-listener.js';

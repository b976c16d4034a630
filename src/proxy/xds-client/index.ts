// The sidecar's xDS client and the config snapshots it emits.
export { createXdsClient, nodeFromIdentity, type XdsClient } from './xds-client.js';
export type { ProxyConfig } from './proxy-config.js';
export type { XdsClientStatus, XdsTypeStatus } from './xds-status.js';
export { DEFAULT_BACKOFF, DEFAULT_WARMING_TIMEOUT_MS, SYSTEM_TIMERS, type BackoffOptions, type NodeIdentity, type XdsClientOptions, type XdsTimers } from './xds-client-options.js';

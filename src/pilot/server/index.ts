// Pilot's ADS server: State-of-the-World and Delta xDS, pushes, and the debug views over them.
export * from './ads-server.js';
export * from './contracts.js';
export * from './debug-config-dump.js';
export * from './debug-syncz.js';
export * from './errors.js';
export * from './generator-lookup.js';
export type { Timers } from './timers.js';
export type { XdsConnection, XdsProtocol } from './xds-connection.js';

// The sidecar's runtime configuration: plain readonly data decoded from xDS, read by the data path.
export type * from './listener.js';
export type * from './route.js';
export type * from './cluster.js';
export type * from './endpoint.js';
export type * from './policy.js';

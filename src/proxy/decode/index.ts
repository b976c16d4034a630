// Decoders from Envoy xDS resources (packed Anys) to the sidecar's runtime config.
export * from './decode-result.js';
export { decodeListener } from './listener.js';
export { decodeRouteConfiguration } from './route-configuration.js';
export { decodeCluster } from './cluster.js';
export { decodeClusterLoadAssignment } from './cluster-load-assignment.js';

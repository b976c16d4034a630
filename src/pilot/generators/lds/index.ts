// LDS: listeners for sidecars (capture and per-port), gateways (per server port) and proxyless
// gRPC (client ApiListeners and server listeners), with a hook for Citadel's security filters.
export { createGatewayLdsGenerator, createGrpcLdsGenerator, createSidecarLdsGenerator, listenerResource, type GrpcLdsOptions } from './lds-generator.js';
export { GRPC_SERVER_LISTENER_PREFIX, parseGrpcServerListenerName, type GrpcServerAddress, type GrpcServerFilters } from './grpc-server-listeners.js';
export { DEFAULT_LISTENER_OPTIONS, listenerOptions, type ListenerOptions } from './listener-options.js';
export { NO_LISTENER_SECURITY, type FilterChainContext, type ListenerClass, type ListenerSecurity } from './listener-security.js';

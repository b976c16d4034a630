// LDS: listeners for sidecars (capture and per-port), gateways (per server port) and proxyless
// gRPC clients (ApiListeners), with a hook for Citadel's security filters.
export { createGatewayLdsGenerator, createGrpcLdsGenerator, createSidecarLdsGenerator, listenerResource } from './lds-generator.js';
export { DEFAULT_LISTENER_OPTIONS, listenerOptions, type ListenerOptions } from './listener-options.js';
export { NO_LISTENER_SECURITY, type FilterChainContext, type ListenerClass, type ListenerSecurity } from './listener-security.js';

// RDS: Istio's VirtualService routing as Envoy RouteConfigurations for sidecars, gateways and
// proxyless gRPC clients.
export { createGatewayRdsGenerator, createGrpcRdsGenerator, createSidecarRdsGenerator, emptyRouteConfiguration, routeResource } from './rds-generator.js';
export { buildSidecarRouteConfiguration, sidecarRouteNames } from './sidecar-route-config.js';
export { buildGatewayRouteConfiguration, gatewayRouteNames } from './gateway-route-config.js';
export { buildGrpcRouteConfiguration } from './grpc-route-config.js';
export { resolveGrpcTarget, type GrpcTarget } from './grpc-target.js';

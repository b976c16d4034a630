// The RDS generators: RouteConfigurations for sidecars (by port), gateways (by server) and
// proxyless gRPC clients (by dialled target), each packed through the strict field check.
import { ROUTE_TYPE } from '../../../xds/index.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { Generator, XdsResource } from '../generator.js';
import { toXdsResource } from '../xds-resource.js';
import { buildGatewayRouteConfiguration, gatewayRouteNames } from './gateway-route-config.js';
import { buildGrpcRouteConfiguration } from './grpc-route-config.js';
import { grpcTargetNames } from './grpc-target.js';
import { createRouteCache } from './route-cache.js';
import { routeConfigurationResource } from './route-config-encoding.js';
import { buildSidecarRouteConfiguration, sidecarRouteNames, sidecarRoutePort } from './sidecar-route-config.js';

export const ROUTE_CONFIGURATION_MESSAGE = 'envoy.config.route.v3.RouteConfiguration';

/** Packs a RouteConfiguration as an xDS resource named after it. */
export function routeResource(rc: RouteConfiguration): XdsResource {
  return toXdsResource(ROUTE_CONFIGURATION_MESSAGE, rc.name ?? '', { ...rc });
}

/**
 * An empty RouteConfiguration, sent for a name Pilot cannot build (a port with no services, a
 * removed gateway server) so that an Envoy listener waiting on it does not wait forever.
 */
export function emptyRouteConfiguration(name: string): RouteConfiguration {
  return { name, virtual_hosts: [], validate_clusters: { value: false } };
}

/**
 * RDS for sidecars: route configurations named after ports (`9080`). The generator keeps
 * translated routes, and their encoding, across pushes while their inputs are unchanged (see
 * createRouteCache and encodeRouteConfiguration).
 */
export function createSidecarRdsGenerator(): Generator {
  const cache = createRouteCache();
  return {
    typeUrl: ROUTE_TYPE,
    generate(proxy, push, names) {
      cache.rotate(push);
      return (names ?? sidecarRouteNames(proxy, push)).map((name) => {
        const port = sidecarRoutePort(name);
        return routeConfigurationResource(port === undefined ? emptyRouteConfiguration(name) : buildSidecarRouteConfiguration(proxy, push, port, cache));
      });
    },
  };
}

/** RDS for gateways: `http.<port>` and `https.<port>.<portName>.<gateway>.<namespace>`. */
export function createGatewayRdsGenerator(): Generator {
  return {
    typeUrl: ROUTE_TYPE,
    generate(proxy, push, names) {
      return (names ?? gatewayRouteNames(proxy, push)).map((name) =>
        routeResource(buildGatewayRouteConfiguration(proxy, push, name) ?? emptyRouteConfiguration(name)),
      );
    },
  };
}

/** RDS for proxyless gRPC: one configuration per dialled `host:port`; unknown targets are left out. */
export function createGrpcRdsGenerator(): Generator {
  return {
    typeUrl: ROUTE_TYPE,
    generate(proxy, push, names) {
      return (names ?? grpcTargetNames(proxy, push)).flatMap((name) => {
        const rc = buildGrpcRouteConfiguration(proxy, push, name);
        return rc ? [routeResource(rc)] : [];
      });
    },
  };
}

// Listeners for proxyless gRPC clients: an ApiListener per dialled `host:port`, holding an HTTP
// connection manager that takes its routes over RDS under the same name.
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { HttpConnectionManager } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
import { packAny } from '../../../xds/index.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { grpcTargetNames, resolveGrpcTarget, type GrpcTarget } from '../rds/grpc-target.js';
import { grpcHttpFilters } from './http-filters.js';
import { adsRds, HCM_TYPE } from './network-filters.js';

/**
 * The ApiListener for `target`, named exactly as the client asked, with RDS for a route
 * configuration of that same name. The address is the service's (informational for gRPC).
 */
export function buildGrpcListener(target: GrpcTarget): Listener {
  const hcm: HttpConnectionManager = {
    stat_prefix: target.name,
    rds: adsRds(target.name),
    http_filters: grpcHttpFilters(),
  };
  const address = target.service.addresses.find((a) => !a.includes('/')) ?? '0.0.0.0';
  return {
    name: target.name,
    address: { socket_address: { address, port_value: target.port } },
    api_listener: { api_listener: packAny(HCM_TYPE, hcm) },
  };
}

/**
 * The listeners for the names a gRPC client asked for; a name that is no visible service port is
 * left out, so that the client reports it does not exist. No names (a wildcard request) means
 * every visible service port, by fully qualified name.
 */
export function buildGrpcListeners(proxy: Proxy, push: PushContext, names: readonly string[] | undefined): Listener[] {
  const out: Listener[] = [];
  for (const name of names ?? grpcTargetNames(proxy, push)) {
    const target = resolveGrpcTarget(name, proxy, push);
    if (target) out.push(buildGrpcListener(target));
  }
  return out;
}

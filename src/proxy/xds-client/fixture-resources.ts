// Test support: small Envoy resources, packed as they travel, for the xDS client's tests.
import type { AnyMessage } from '../../xds/any.js';
import { pack } from '../decode/testing.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

/** An EDS cluster named `name` (or a STATIC one), optionally with another connect timeout or lb policy. */
export function cluster(name: string, opts: { type?: 'EDS' | 'STATIC'; connectSeconds?: number; lbPolicy?: string } = {}): AnyMessage {
  return pack('envoy.config.cluster.v3.Cluster', {
    name,
    type: opts.type ?? 'EDS',
    ...(opts.type === 'STATIC' ? {} : { eds_cluster_config: { service_name: name } }),
    connect_timeout: { seconds: String(opts.connectSeconds ?? 1) },
    ...(opts.lbPolicy ? { lb_policy: opts.lbPolicy } : {}),
  });
}

/** An assignment of `name` with one loopback endpoint per port. */
export function assignment(name: string, ports: number[]): AnyMessage {
  return pack('envoy.config.endpoint.v3.ClusterLoadAssignment', {
    cluster_name: name,
    endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: p } } } })) }],
  });
}

/** A listener on `port` whose connection manager takes its routes from RDS `routeName`. */
export function listener(name: string, port: number, routeName: string): AnyMessage {
  return pack('envoy.config.listener.v3.Listener', {
    name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [{
      filters: [{
        name: 'envoy.filters.network.http_connection_manager',
        typed_config: {
          '@type': HCM,
          stat_prefix: name,
          rds: { route_config_name: routeName, config_source: { ads: {} } },
          http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
        },
      }],
    }],
  });
}

/** A route configuration sending everything to `clusterName`. */
export function routeConfig(name: string, clusterName: string): AnyMessage {
  return pack('envoy.config.route.v3.RouteConfiguration', {
    name,
    virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: clusterName } }] }],
  });
}

// The RouteConfiguration of one proxyless gRPC listener (`reviews.default.svc.cluster.local:9080`):
// the target service's virtual host, whose domains include the name the client dialled.
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { resolveGrpcTarget } from './grpc-target.js';
import { buildOutboundVirtualHosts } from './outbound-virtual-hosts.js';
import { meshRouteContext } from './route-context.js';
import { domainWithPort } from './virtual-host-domains.js';

/**
 * The route configuration named `name` (the listener's name), or undefined when the name is no
 * visible service port. grpc-js-xds picks the virtual host by the dialled name, so that name is
 * always one of its domains; only routes the client can follow are included.
 */
export function buildGrpcRouteConfiguration(proxy: Proxy, push: PushContext, name: string): RouteConfiguration | undefined {
  const target = resolveGrpcTarget(name, proxy, push);
  if (!target) return undefined;
  const ctx = meshRouteContext(proxy, push, target.port, 'grpc');
  const vhostName = domainWithPort(target.service.hostname, target.port);
  const vhost = buildOutboundVirtualHosts(ctx).find((v) => v.name === vhostName);
  if (!vhost) return undefined;
  const domains = vhost.domains ?? [];
  return {
    name,
    virtual_hosts: [{ ...vhost, domains: domains.includes(name) ? domains : [name, ...domains] }],
    validate_clusters: { value: false },
  };
}

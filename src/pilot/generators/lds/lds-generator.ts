// The LDS generators: sidecar listeners (capture, per port), gateway listeners (per server port)
// and proxyless gRPC listeners (client ApiListeners, server listeners), each packed through the
// strict field check.
import { LISTENER_TYPE } from '../../../xds/index.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { Generator, XdsResource } from '../generator.js';
import { toXdsResource } from '../xds-resource.js';
import { buildGatewayListeners } from './gateway-listeners.js';
import { grpcServerRbacFilters } from '../../security/authz/rbac-grpc-filters.js';
import { buildGrpcListeners } from './grpc-listeners.js';
import { buildGrpcServerListeners, isGrpcServerListenerName, type GrpcServerFilters } from './grpc-server-listeners.js';
import { listenerOptions, type ListenerOptions } from './listener-options.js';
import { buildOutboundListeners } from './outbound-listeners.js';
import { buildVirtualInboundListener } from './virtual-inbound.js';
import { buildVirtualOutboundListener } from './virtual-outbound.js';

export const LISTENER_MESSAGE = 'envoy.config.listener.v3.Listener';

/** Packs a Listener as an xDS resource named after it. */
export function listenerResource(listener: Listener): XdsResource {
  return toXdsResource(LISTENER_MESSAGE, listener.name ?? '', { ...listener });
}

/** Keeps the listeners a proxy asked for by name (all of them for a wildcard request). */
function only(listeners: readonly Listener[], names: readonly string[] | undefined): Listener[] {
  return names ? listeners.filter((l) => names.includes(l.name ?? '')) : [...listeners];
}

/** LDS for sidecars: virtualOutbound, the per-port outbound listeners, and virtualInbound. */
export function createSidecarLdsGenerator(options: Partial<ListenerOptions> = {}): Generator {
  const opts = listenerOptions(options);
  return {
    typeUrl: LISTENER_TYPE,
    generate(proxy, push, names) {
      const listeners = [
        buildVirtualOutboundListener(proxy, push, opts),
        ...buildOutboundListeners(proxy, push, opts),
        buildVirtualInboundListener(proxy, push, opts),
      ];
      return only(listeners, names).map(listenerResource);
    },
  };
}

/** LDS for gateways: a listener per server port of the Gateways that select the proxy. */
export function createGatewayLdsGenerator(options: Partial<ListenerOptions> = {}): Generator {
  const opts = listenerOptions(options);
  return {
    typeUrl: LISTENER_TYPE,
    generate(proxy, push, names) {
      return only(buildGatewayListeners(proxy, push, opts), names).map(listenerResource);
    },
  };
}

/** Settings of the proxyless gRPC LDS generator. */
export interface GrpcLdsOptions {
  /** The policy filters of server listeners; by default the RBAC of the AuthorizationPolicies that select the workload. */
  readonly serverFilters: GrpcServerFilters;
}

/**
 * LDS for proxyless gRPC. Client names (`host:port`) get an ApiListener each, and unknown targets
 * are left out; server names (`xds.istio.io/grpc/lds/inbound/ip:port`) get a server listener with
 * the workload's authorization policy. A wildcard request gets the client listeners only.
 */
export function createGrpcLdsGenerator(options: Partial<GrpcLdsOptions> = {}): Generator {
  const serverFilters = options.serverFilters ?? grpcServerRbacFilters;
  return {
    typeUrl: LISTENER_TYPE,
    generate(proxy, push, names) {
      const servers = names?.filter(isGrpcServerListenerName) ?? [];
      const clients = names && servers.length > 0 ? names.filter((n) => !isGrpcServerListenerName(n)) : names;
      const listeners = servers.length > 0 ? buildGrpcServerListeners(proxy, push, servers, serverFilters) : [];
      return [...buildGrpcListeners(proxy, push, clients), ...listeners].map(listenerResource);
    },
  };
}

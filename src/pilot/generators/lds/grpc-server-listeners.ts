// Listeners for proxyless gRPC servers (grpc-js-xds XdsServer), as Istio's grpcgen builds them: one
// per bound `ip:port`, one chain (mTLS or plaintext, as PeerAuthentication says) whose connection
// manager holds policy filters, the router, and an inline route configuration that serves every
// call where it arrived.
import { isIP } from 'node:net';
import { logger } from '../../../log/index.js';
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { HttpConnectionManager } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpConnectionManager.js';
import type { HttpFilter } from '../../../xds/generated/envoy/extensions/filters/network/http_connection_manager/v3/HttpFilter.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { grpcServerMtlsMode, grpcServerMtlsTransportSocket } from '../../security/mtls/grpc-server-mtls.js';
import { routerFilter } from './http-filters.js';
import { httpConnectionManagerFilter } from './network-filters.js';

/** Istio's prefix of server listener names: bootstraps set `server_listener_resource_name_template` to it plus `%s`. */
export const GRPC_SERVER_LISTENER_PREFIX = 'xds.istio.io/grpc/lds/inbound/';

/** The address a server listener name asks about. */
export interface GrpcServerAddress {
  /** An IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
}

/** The policy filters of a server workload, placed before the router (see grpcServerRbacFilters). */
export type GrpcServerFilters = (proxy: Proxy, push: PushContext) => readonly HttpFilter[];

/** True when `name` is a server listener name, well-formed or not. */
export function isGrpcServerListenerName(name: string): boolean {
  return name.startsWith(GRPC_SERVER_LISTENER_PREFIX);
}

/**
 * The address in a server listener name (`xds.istio.io/grpc/lds/inbound/10.0.0.1:8080`, or
 * `[::]:8080` for IPv6), or undefined when the name has no IP literal and port 1–65535. XdsServer
 * only binds `ip:port`, so nothing else can be asked for by a real server.
 */
export function parseGrpcServerListenerName(name: string): GrpcServerAddress | undefined {
  if (!isGrpcServerListenerName(name)) return undefined;
  const address = name.slice(GRPC_SERVER_LISTENER_PREFIX.length);
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(address);
  if (!match) return undefined;
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (isIP(host) === 0 || (match[1] !== undefined && isIP(host) !== 6) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** The inline routes of a server: every call, on any authority, is served by the server itself. */
function serverRoutes(port: number): RouteConfiguration {
  return {
    name: `inbound|${port}`,
    virtual_hosts: [{ name: 'inbound|http', domains: ['*'], routes: [{ match: { prefix: '/' }, non_forwarding_action: {} }] }],
  };
}

/**
 * The listener for a server that bound `address`, named `name` as it asked. Its address must be
 * exactly the bound one (grpc-js refuses any other). One filter chain with no match: with
 * `transportSocket` (mTLS) it serves only TLS, without it plaintext, which servers with insecure or
 * fallback credentials serve. The connection manager runs `filters` (policy) then the router;
 * there is no fault filter, which gRPC servers lack.
 */
export function buildGrpcServerListener(name: string, address: GrpcServerAddress, filters: readonly HttpFilter[], transportSocket?: TransportSocket): Listener {
  const hcm: HttpConnectionManager = {
    stat_prefix: `inbound_${address.port}`,
    route_config: serverRoutes(address.port),
    http_filters: [...filters, routerFilter()],
  };
  const chain: FilterChain = { name: `inbound|${address.port}`, filters: [httpConnectionManagerFilter(hcm)] };
  if (transportSocket) chain.transport_socket = transportSocket;
  return {
    name,
    address: { socket_address: { address: address.host, port_value: address.port } },
    filter_chains: [chain],
  };
}

/** Servers already told, at debug, that their listener needs the bootstrap's certificate provider. */
const loggedMtls = new WeakMap<Proxy, Set<number>>();

function logMtlsOnce(proxy: Proxy, port: number): void {
  let ports = loggedMtls.get(proxy);
  if (!ports) loggedMtls.set(proxy, (ports = new Set()));
  if (ports.has(port)) return;
  ports.add(port);
  logger('pilot').debug(
    { proxy: proxy.id, port },
    'proxyless gRPC server gets an mTLS listener (PeerAuthentication STRICT, or PERMISSIVE with tlsMode istio); a server whose bootstrap has no certificate provider "default" NACKs it',
  );
}

/**
 * The server listeners for the requested `names` (those with the server prefix). Any well-formed
 * name is answered, whether or not a service selects the workload, since the policies that apply
 * depend only on the workload's namespace and labels; a malformed name is left out, so the server
 * is told it does not exist rather than served a listener it would reject. A port that
 * PeerAuthentication makes STRICT for gRPC (see grpcServerMtlsMode) gets an mTLS chain, whether or
 * not the server's bootstrap has certificate providers, as in Istio.
 */
export function buildGrpcServerListeners(proxy: Proxy, push: PushContext, names: readonly string[], policy: GrpcServerFilters): Listener[] {
  const out: Listener[] = [];
  for (const name of names) {
    const address = parseGrpcServerListenerName(name);
    if (!address) continue;
    const mtls = grpcServerMtlsMode(proxy, push, address.port) === 'STRICT';
    if (mtls) logMtlsOnce(proxy, address.port);
    out.push(buildGrpcServerListener(name, address, policy(proxy, push), mtls ? grpcServerMtlsTransportSocket() : undefined));
  }
  return out;
}

// Builds the terminal network filter of each filter chain: the HTTP connection manager or the TCP
// proxy, wired to the sidecar's route tables, clusters and identity.
import type { Logger } from '../../log/index.js';
import type { FilterChainConfig, ListenerConfig } from '../config/index.js';
import type { Clock, ProxyIdentity } from '../hcm/ports.js';
import { createHttpConnectionHandler } from '../hcm/http-connection-handler.js';
import { policyFiltersFor } from '../hcm/policy-chain.js';
import type { StreamConfig } from '../hcm/stream-config.js';
import type { ConnectionContext, ConnectionHandler, NetworkFilterFactory } from '../listener/connection-handler.js';
import { createTcpProxyHandler, type TcpPeers } from '../tcp/tcp-proxy.js';
import { createTcpTargetResolver } from '../tcp/tcp-upstream-target.js';
import type { ClusterManager } from '../cluster-manager/cluster-manager.js';
import { UNKNOWN_PEER } from '../telemetry/events.js';
import type { UpstreamTransports } from '../tls/upstream-transport.js';
import type { RouteTables } from './route-tables.js';

export interface SidecarFilterFactory extends NetworkFilterFactory {
  /** The connection manager settings of an HTTP chain, for the explicit-mode proxy. */
  streamConfigFor(chain: FilterChainConfig, listener: ListenerConfig): StreamConfig | undefined;
}

export function createSidecarFilterFactory(deps: {
  readonly routes: RouteTables;
  readonly clusters: ClusterManager;
  readonly identity: ProxyIdentity;
  readonly clock: Clock;
  readonly transports?: UpstreamTransports;
  readonly logger?: Logger;
}): SidecarFilterFactory {
  const streamConfigs = new WeakMap<FilterChainConfig, StreamConfig>();
  const tcpResolve = createTcpTargetResolver({
    cluster: (name) => deps.clusters.get(name)?.config,
    pickEndpoint: (cluster, context) => {
      const c = deps.clusters.get(cluster.name);
      const host = c?.upstream.pickHost({});
      void context;
      return host ? { address: host.address, port: host.port, weight: host.weight, healthStatus: 'HEALTHY', ...(host.tlsMode ? { tlsMode: host.tlsMode } : {}) } : undefined;
    },
    ...(deps.transports ? { transport: (cluster, tlsMode) => deps.transports!.resolve(cluster.transportSocketMatches, tlsMode, 'tcp') } : {}),
  });
  const onTransportFailure = (reason: string, context: ConnectionContext): void => {
    deps.logger?.debug({ listener: context.listenerName, chain: context.filterChainName, reason }, 'tcp proxy: upstream transport unavailable');
  };
  // Istio's TCP metrics: the inbound side knows whether the peer came over verified mTLS.
  const inboundPeers = (context: ConnectionContext): TcpPeers => ({
    source: context.connection.peerCertificate?.principal ? { ...UNKNOWN_PEER, principal: context.connection.peerCertificate.principal } : UNKNOWN_PEER,
    destination: deps.identity.self,
    connectionSecurityPolicy: context.connection.peerCertificate ? 'mutual_tls' : 'none',
  });
  const outboundPeers = (): TcpPeers => ({ source: deps.identity.self, destination: UNKNOWN_PEER, connectionSecurityPolicy: 'unknown' });

  function streamConfigFor(chain: FilterChainConfig, listener: ListenerConfig): StreamConfig | undefined {
    if (chain.network.kind !== 'http') return undefined;
    let config = streamConfigs.get(chain);
    if (config) return config;
    const hcm = chain.network.hcm;
    const inline = hcm.routeConfig;
    const rdsName = hcm.rdsRouteConfigName;
    const inbound = listener.trafficDirection === 'INBOUND';
    config = {
      direction: inbound ? 'inbound' : 'outbound',
      hcm,
      routeTable: inline ? () => deps.routes.inline(inline) : () => (rdsName === undefined ? undefined : deps.routes.get(rdsName)),
      clusters: deps.clusters,
      identity: deps.identity,
      clock: deps.clock,
      faultFilter: hcm.httpFilters.some((f) => f.kind === 'fault'),
      corsFilter: hcm.httpFilters.some((f) => f.kind === 'cors'),
      honourEnvoyHeaders: !inbound,
    };
    streamConfigs.set(chain, config);
    // Built now rather than on the first request, so remote key sets with async_fetch are fetched as the config arrives.
    if (hcm.httpFilters.some((f) => f.kind === 'jwt_authn' && f.jwt.providers.some((p) => p.remoteJwks?.asyncFetch))) policyFiltersFor(config);
    return config;
  }

  return {
    streamConfigFor,
    createHandler(chain, listener): ConnectionHandler {
      if (chain.network.kind === 'http') return createHttpConnectionHandler(streamConfigFor(chain, listener)!);
      const inbound = listener.trafficDirection === 'INBOUND';
      return createTcpProxyHandler(chain.network.tcp, {
        resolve: tcpResolve,
        reporter: inbound ? 'destination' : 'source',
        random: deps.clock.random,
        peers: inbound ? inboundPeers : outboundPeers,
        onTransportFailure,
      });
    },
  };
}

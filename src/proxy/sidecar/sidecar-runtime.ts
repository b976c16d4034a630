// The data path of one sidecar process: clusters, route tables and listeners built from each xDS
// snapshot, with metrics and access logs. A sidecar runs one; with --concurrency, each worker does.
import type { Logger } from '../../log/index.js';
import { createClusterManager, type ClusterManager } from '../cluster-manager/cluster-manager.js';
import { createExplicitProxyHandler } from '../hcm/explicit-proxy.js';
import { SYSTEM_CLOCK, type ProxyIdentity } from '../hcm/ports.js';
import type { StreamConfig } from '../hcm/stream-config.js';
import { createListenerManager, type ListenerManager } from '../listener/listener-manager.js';
import { createAccessLog, type AccessLog } from '../telemetry/access-log.js';
import { createIstioMetrics, type IstioMetrics } from '../telemetry/istio-metrics.js';
import { decodePeerMetadata, encodePeerMetadata } from '../telemetry/peer-metadata.js';
import { peerWorkloadFromIdentity } from '../telemetry/workload-identity.js';
import type { ProxyConfig } from '../xds-client/proxy-config.js';
import { captureBindAddress } from './capture-mode.js';
import { createTlsTerminator } from '../tls/downstream-tls.js';
import { NO_SECRETS } from '../tls/secret-provider.js';
import { SecureContextCache } from '../tls/secure-context-cache.js';
import { createUpstreamTransports } from '../tls/upstream-transport.js';
import { DestinationCache } from './destination-cache.js';
import { createSidecarFilterFactory } from './network-filter-factory.js';
import { createPassthroughRouteTable } from './passthrough-routes.js';
import { RouteTables } from './route-tables.js';
import type { SidecarOptions } from './sidecar-options.js';

export interface SidecarRuntime {
  readonly clusters: ClusterManager;
  readonly listeners: ListenerManager;
  readonly metrics: IstioMetrics;
  /** Applies a snapshot: clusters, then routes, then listeners, so nothing points at what is missing. */
  apply(config: ProxyConfig): Promise<void>;
  close(): Promise<void>;
}

export function createSidecarRuntime(options: SidecarOptions, log: Logger): SidecarRuntime {
  const clock = SYSTEM_CLOCK;
  const identity: ProxyIdentity = {
    self: peerWorkloadFromIdentity(options.identity, false),
    peerMetadata: encodePeerMetadata({ ...options.identity, proxyType: options.proxyType }),
    decodePeer: decodePeerMetadata,
  };
  const routes = new RouteTables();
  const tlsContexts = new SecureContextCache(options.secrets ?? NO_SECRETS);
  const transports = createUpstreamTransports(tlsContexts);
  const clusters: ClusterManager = createClusterManager({
    clock,
    random: Math.random,
    timers: { setTimeout, clearTimeout, setInterval, clearInterval } as never,
  }, transports);
  const filters = createSidecarFilterFactory({ routes, clusters, identity, clock, transports, logger: log.child({ component: 'tcp' }) });
  const passthroughTable = createPassthroughRouteTable();
  const passthrough: StreamConfig = {
    direction: 'outbound',
    hcm: {
      statPrefix: 'explicit_passthrough',
      httpFilters: [{ name: 'envoy.filters.http.router', kind: 'router' }],
      codec: 'http1',
      streamIdleTimeoutMs: 300_000,
      requestTimeoutMs: 0,
      requestHeadersTimeoutMs: 0,
      maxRequestHeadersKb: 60,
      useRemoteAddress: false,
      generateRequestId: true,
      upgradeTypes: [],
    },
    routeTable: () => passthroughTable,
    clusters,
    identity,
    clock,
    faultFilter: false,
    corsFilter: false,
    honourEnvoyHeaders: true,
  };
  const explicit = options.mode === 'explicit';
  const explicitConfigs = new DestinationCache<StreamConfig>({
    generation: () => listeners.generation,
    lookup: (destination) => {
      const listener = listeners.findListenerForDestination(destination.address, destination.port);
      const chain = listener?.filterChains.find((c) => c.network.kind === 'http') ?? listener?.defaultFilterChain;
      return listener && chain ? filters.streamConfigFor(chain, listener) : undefined;
    },
  });
  const explicitProxy = explicit
    ? createExplicitProxyHandler({
        listeners: () => listeners,
        streamConfigFor: (destination) => explicitConfigs.get(destination),
        passthrough,
        connectTimeoutMs: 10_000,
      })
    : undefined;
  const ip = options.identity.ip;
  const listeners: ListenerManager = createListenerManager({
    networkFilters: filters,
    logger: log.child({ component: 'listeners' }),
    listenAddressFor: (l) => ({
      address: explicit ? ip : captureBindAddress(l.address, ip),
      port: l.name === 'virtualOutbound' ? options.outboundPort : l.name === 'virtualInbound' ? options.inboundPort : l.port,
    }),
    ...(explicit ? { explicitInbound: { instanceIp: ip } } : {}),
    ...(explicitProxy ? { explicitProxy } : {}),
    ...(!explicit && options.originalDestination ? { originalDestination: options.originalDestination } : {}),
    terminateTls: createTlsTerminator({ contexts: tlsContexts, logger: log.child({ component: 'tls' }) }),
    drainTimeoutMs: options.drainTimeoutMs,
  });

  const metrics: IstioMetrics = createIstioMetrics();
  metrics.start();
  let accessLog: AccessLog | undefined;
  if (options.accessLog) {
    accessLog = createAccessLog({ format: 'json', write: (lines) => process.stdout.write(lines) });
    accessLog.start();
  }


  return {
    clusters,
    listeners,
    metrics,
    async apply(config) {
      clusters.apply(config.clusters, config.endpoints);
      routes.apply(config.routes);
      const result = await listeners.apply(config.listeners);
      for (const failure of result.failed) log.error({ listener: failure.name, reason: failure.reason }, 'listener failed');
    },
    async close() {
      await listeners.close();
      clusters.close();
      tlsContexts.close();
      metrics.stop();
      accessLog?.stop();
    },
  };
}

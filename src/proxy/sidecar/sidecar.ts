// One sidecar (or gateway) proxy: the xDS client feeds the cluster manager, the route tables and
// the listener manager, in that order, so that clusters are live before the listeners that use them.
import type { Logger } from '../../log/index.js';
import { createAdminServer, type AdminServer } from '../admin/admin-server.js';
import { createStatsServer, type StatsServer } from '../admin/stats-server.js';
import { createClusterManager, type ClusterManager } from '../cluster-manager/cluster-manager.js';
import { createExplicitProxyHandler } from '../hcm/explicit-proxy.js';
import { SYSTEM_CLOCK, type ProxyIdentity } from '../hcm/ports.js';
import type { StreamConfig } from '../hcm/stream-config.js';
import { createListenerManager, type ListenerManager } from '../listener/listener-manager.js';
import { createAccessLog, type AccessLog } from '../telemetry/access-log.js';
import { createIstioMetrics, type IstioMetrics } from '../telemetry/istio-metrics.js';
import { decodePeerMetadata, encodePeerMetadata } from '../telemetry/peer-metadata.js';
import { peerWorkloadFromIdentity } from '../telemetry/workload-identity.js';
import { createXdsClient, type XdsClient } from '../xds-client/xds-client.js';
import type { ProxyConfig } from '../xds-client/proxy-config.js';
import { createSidecarFilterFactory } from './network-filter-factory.js';
import { createPassthroughRouteTable } from './passthrough-routes.js';
import { RouteTables } from './route-tables.js';
import { createSidecarAdminTarget } from './sidecar-admin.js';
import { nodeId, nodeMetadata, type SidecarOptions } from './sidecar-options.js';

export interface Sidecar {
  /** Connects to the control plane and starts the admin and stats servers. */
  start(): Promise<{ admin: number; stats: number }>;
  /** The latest config applied, if any. */
  readonly config: ProxyConfig | undefined;
  readonly state: 'PRE_INITIALIZING' | 'LIVE' | 'DRAINING';
  /** Resolves once the first complete config is serving. */
  ready(): Promise<void>;
  /** Stops accepting, lets in-flight work finish (up to the drain timeout), then closes. */
  drain(): Promise<void>;
  close(): Promise<void>;
  /** Bound listener sockets. */
  addresses(): { listener: string; address: string; port: number }[];
}

export function createSidecar(options: SidecarOptions, log: Logger): Sidecar {
  const clock = SYSTEM_CLOCK;
  const identity: ProxyIdentity = {
    self: peerWorkloadFromIdentity(options.identity, false),
    peerMetadata: encodePeerMetadata(options.identity),
    decodePeer: decodePeerMetadata,
  };
  const routes = new RouteTables();
  const clusters: ClusterManager = createClusterManager({
    clock,
    random: Math.random,
    timers: { setTimeout, clearTimeout, setInterval, clearInterval } as never,
  });
  const filters = createSidecarFilterFactory({ routes, clusters, identity, clock });
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
  const explicitProxy = explicit
    ? createExplicitProxyHandler({
        listeners: () => listeners,
        streamConfigFor: (destination) => {
          const listener = listeners.findListenerForDestination(destination.address, destination.port);
          const chain = listener?.filterChains.find((c) => c.network.kind === 'http') ?? listener?.defaultFilterChain;
          return listener && chain ? filters.streamConfigFor(chain, listener) : undefined;
        },
        passthrough,
        connectTimeoutMs: 10_000,
      })
    : undefined;
  const ip = options.identity.ip;
  const listeners: ListenerManager = createListenerManager({
    networkFilters: filters,
    logger: log.child({ component: 'listeners' }),
    listenAddressFor: (l) => ({
      address: explicit ? ip : l.address,
      port: l.name === 'virtualOutbound' ? options.outboundPort : l.name === 'virtualInbound' ? options.inboundPort : l.port,
    }),
    ...(explicit ? { explicitInbound: { instanceIp: ip } } : {}),
    ...(explicitProxy ? { explicitProxy } : {}),
    drainTimeoutMs: options.drainTimeoutMs,
  });

  const metrics: IstioMetrics = createIstioMetrics();
  metrics.start();
  let accessLog: AccessLog | undefined;
  if (options.accessLog) {
    accessLog = createAccessLog({ format: 'json', write: (lines) => process.stdout.write(lines) });
    accessLog.start();
  }

  let current: ProxyConfig | undefined;
  let state: Sidecar['state'] = 'PRE_INITIALIZING';
  let resolveReady: () => void;
  const readyPromise = new Promise<void>((r) => (resolveReady = r));
  let applying = Promise.resolve();

  let xds: XdsClient | undefined;

  async function apply(config: ProxyConfig): Promise<void> {
    clusters.apply(config.clusters, config.endpoints);
    routes.apply(config.routes);
    const result = await listeners.apply(config.listeners);
    for (const failure of result.failed) log.error({ listener: failure.name, reason: failure.reason }, 'listener failed');
    current = config;
    if (config.ready && state === 'PRE_INITIALIZING') {
      state = 'LIVE';
      log.info({ listeners: listeners.addresses() }, 'sidecar ready');
      resolveReady();
    }
  }

  let admin: AdminServer | undefined;
  let stats: StatsServer | undefined;
  const sidecar: Sidecar = {
    get config() {
      return current;
    },
    get state() {
      return state;
    },
    async start() {
      admin = createAdminServer(createSidecarAdminTarget({ sidecar, clusters, listeners: listeners, xds: () => xds, metrics, log, options }), { port: options.adminPort });
      stats = createStatsServer({ port: options.statsPort, metrics: () => metrics.metrics() });
      const [a, s] = await Promise.all([admin.listen(), stats.listen()]);
      xds = createXdsClient({
        server: options.xdsAddress,
        node: { id: nodeId(options), cluster: options.identity.cluster, metadata: nodeMetadata(options) },
        delta: options.deltaXds,
        logger: log.child({ component: 'xds' }),
      });
      xds.onUpdate((config) => {
        applying = applying.then(() => apply(config)).catch((err: unknown) => log.error({ err }, 'applying config failed'));
      });
      return { admin: a.port, stats: s.port };
    },
    ready: () => readyPromise,
    async drain() {
      state = 'DRAINING';
      await listeners.drain(options.drainTimeoutMs);
    },
    async close() {
      xds?.close();
      await listeners.close();
      clusters.close();
      metrics.stop();
      accessLog?.stop();
      await Promise.all([admin?.close(), stats?.close()]);
    },
    addresses: () => listeners.addresses(),
  };
  return sidecar;
}

// The sidecar as the admin server sees it: config dump, clusters, stats, readiness, log level,
// drain and quit.
import { LOG_LEVELS, type Logger } from '../../log/index.js';
import type { NamedSecret } from '../admin/admin-certs.js';
import { isSecretHistory } from '../admin/admin-secret-history.js';
import type { AdminTarget, ClusterStatus } from '../admin/admin-target.js';
import type { ClusterManager } from '../cluster-manager/cluster-manager.js';
import type { ListenerManager } from '../listener/listener-manager.js';
import type { IstioMetrics } from '../telemetry/istio-metrics.js';
import { NO_SECRETS, type SecretProvider } from '../tls/secret-provider.js';
import { referencedSecretNames } from '../tls/secret-relay.js';
import type { XdsClient } from '../xds-client/xds-client.js';
import type { ProxyConfig } from '../xds-client/proxy-config.js';
import type { Sidecar } from './sidecar.js';
import { nodeId, type SidecarOptions } from './sidecar-options.js';

/** Sets `log`'s level when `level` is one the logger knows. */
export function setLogLevel(log: Logger, level: string): boolean {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) return false;
  log.level = level;
  return true;
}

export function createSidecarAdminTarget(deps: {
  readonly sidecar: Sidecar;
  readonly clusters: ClusterManager;
  readonly listeners: ListenerManager;
  readonly xds: () => XdsClient | undefined;
  readonly metrics: IstioMetrics;
  readonly log: Logger;
  readonly options: SidecarOptions;
}): AdminTarget {
  const { sidecar, clusters, listeners, xds, metrics, log, options } = deps;
  return {
    secrets: () => namedSecretsOf(sidecar.config, options.secrets ?? NO_SECRETS),
    configDump: () => buildConfigDump(sidecar.config, options, xds()?.status()),
    clusterStatuses: () => clusterStatusesOf(clusters),
    stats: () => clusterStatsOf(clusters, listeners),
    state: () => sidecar.state,
    drainListeners(request) {
      void sidecar.drain({ inboundOnly: request.inboundOnly });
    },
    quit() {
      void sidecar.close().then(() => process.exit(0));
    },
    logLevel: () => log.level,
    setLogLevel: (level) => setLogLevel(log, level),
    prometheus: () => metrics.metrics(),
    serverInfo: () => ({ version: 'heddle', command_line_options: { mode: options.mode, xds: options.xdsAddress } }),
  };
}

/**
 * The secrets `config`'s listeners and clusters name, sorted, with their current values from
 * `provider`, and when each arrived when `provider` keeps a history.
 */
export function namedSecretsOf(config: ProxyConfig | undefined, provider: SecretProvider): NamedSecret[] {
  if (!config) return [];
  const names = [...referencedSecretNames(config.listeners.values(), config.clusters.values())].sort();
  return names.map((name) => {
    const secret = provider.get(name);
    const update = isSecretHistory(provider) ? provider.updateOf(name) : undefined;
    return { name, secret, ...(update ? { update } : {}) };
  });
}

/** Envoy's ConfigDump entries for `config`, plus the xDS client's status. */
export function buildConfigDump(config: ProxyConfig | undefined, options: SidecarOptions, xdsStatus: unknown): unknown[] {
  const typed = (type: string, body: object) => ({ '@type': `type.googleapis.com/envoy.admin.v3.${type}`, ...body });
  return [
    typed('BootstrapConfigDump', { bootstrap: { node: { id: nodeId(options) } } }),
    typed('ClustersConfigDump', { version_info: String(config?.version ?? ''), dynamic_active_clusters: [...(config?.clusters.values() ?? [])].map((cluster) => ({ cluster })) }),
    typed('ListenersConfigDump', { version_info: String(config?.version ?? ''), dynamic_listeners: [...(config?.listeners.values() ?? [])].map((l) => ({ name: l.name, active_state: { listener: l } })) }),
    typed('RoutesConfigDump', { dynamic_route_configs: [...(config?.routes.values() ?? [])].map((route_config) => ({ route_config })) }),
    typed('EndpointsConfigDump', { dynamic_endpoint_configs: [...(config?.endpoints.values() ?? [])].map((endpoint_config) => ({ endpoint_config })) }),
    { '@type': 'heddle.admin.XdsClientStatus', status: xdsStatus },
  ];
}

/** Every cluster's hosts with Envoy's health flags and counters, for /clusters. */
export function clusterStatusesOf(clusters: ClusterManager): ClusterStatus[] {
  return clusters.statuses().map((c) => ({
    name: c.name,
    hosts: c.hosts.map((h) => ({
      address: h.address,
      port: h.port,
      healthFlags: h.healthFlags === 'healthy' ? [] : h.healthFlags.split('/').filter((f) => f !== ''),
      weight: h.weight,
      locality: h.locality,
      rqActive: h.rq_active,
      rqTotal: h.rq_total,
      rqError: h.rq_error,
      cxActive: h.cx_active,
      outlierEjected: h.healthFlags.includes('failed_outlier_check'),
    })),
  }));
}

/** Envoy-style counters per cluster, for /stats. */
export function clusterStatsOf(clusters: ClusterManager, listeners: ListenerManager): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of clusters.statuses()) {
    let total = 0;
    let errors = 0;
    let active = 0;
    for (const h of c.hosts) {
      total += h.rq_total;
      errors += h.rq_error;
      active += h.rq_active;
    }
    out.set(`cluster.${c.name}.upstream_rq_total`, total);
    out.set(`cluster.${c.name}.upstream_rq_error`, errors);
    out.set(`cluster.${c.name}.upstream_rq_active`, active);
    out.set(`cluster.${c.name}.membership_total`, c.hosts.length);
    const overflow = clusters.get(c.name)?.upstream.stats().overflow;
    if (overflow) for (const [k, v] of Object.entries(overflow)) out.set(`cluster.${c.name}.${k}`, v as number);
  }
  out.set('listener_manager.total_listeners_active', listeners.addresses().length);
  return out;
}

// The sidecar's upstream clusters: applies CDS and EDS to live clusters, keeping host state and
// warm connection pools across updates, and serves them to the router by name.
import type { ClusterConfig, LoadAssignment } from '../config/index.js';
import type { RouterClusters } from '../hcm/ports.js';
import { createUpstreamCluster, type HostStatus, type UpstreamClusterDeps } from '../upstream/cluster.js';
import { NO_SECRETS } from '../tls/secret-provider.js';
import { SecureContextCache } from '../tls/secure-context-cache.js';
import { createUpstreamTransports, type UpstreamTransports } from '../tls/upstream-transport.js';
import { RouterClusterImpl } from './router-cluster.js';

export interface ClusterManager extends RouterClusters {
  get(name: string): RouterClusterImpl | undefined;
  /** Makes the live clusters match `clusters`, with endpoints from `endpoints` for EDS clusters. */
  apply(clusters: ReadonlyMap<string, ClusterConfig>, endpoints: ReadonlyMap<string, LoadAssignment>): void;
  /** Every cluster with its hosts, for the admin's /clusters. */
  statuses(): { readonly name: string; readonly hosts: readonly HostStatus[] }[];
  close(): void;
}

interface Entry {
  readonly cluster: RouterClusterImpl;
  readonly configKey: string;
  assignment: LoadAssignment | undefined;
}

/**
 * Creates the cluster manager. `transports` picks each endpoint's transport (TLS from the
 * proxy's secrets); without it no secret is available, so TLS endpoints fail to connect (UF).
 */
export function createClusterManager(deps: UpstreamClusterDeps, transports: UpstreamTransports = createUpstreamTransports(new SecureContextCache(NO_SECRETS))): ClusterManager {
  const live = new Map<string, Entry>();

  function assignmentFor(config: ClusterConfig, endpoints: ReadonlyMap<string, LoadAssignment>): LoadAssignment | undefined {
    if (config.type === 'EDS') return endpoints.get(config.edsServiceName ?? config.name);
    return config.loadAssignment;
  }

  return {
    get(name) {
      return live.get(name)?.cluster;
    },
    apply(clusters, endpoints) {
      for (const [name, entry] of live) {
        if (!clusters.has(name)) {
          entry.cluster.close();
          live.delete(name);
        }
      }
      for (const [name, config] of clusters) {
        const configKey = JSON.stringify(config);
        const assignment = assignmentFor(config, endpoints);
        const current = live.get(name);
        if (current && current.configKey === configKey) {
          if (assignment && assignment !== current.assignment) {
            current.cluster.upstream.updateEndpoints(assignment);
            current.assignment = assignment;
            current.cluster.prunePools();
          }
          continue;
        }
        const upstream = createUpstreamCluster(config, deps);
        if (assignment && config.type === 'EDS') upstream.updateEndpoints(assignment);
        const cluster = new RouterClusterImpl(upstream, transports);
        if (current) {
          cluster.adoptPools(current.cluster);
          current.cluster.close();
          cluster.prunePools();
        }
        live.set(name, { cluster, configKey, assignment });
      }
    },
    statuses() {
      return [...live.entries()].map(([name, e]) => ({ name, hosts: e.cluster.upstream.hostStatuses() }));
    },
    close() {
      for (const entry of live.values()) entry.cluster.close();
      live.clear();
    },
  };
}

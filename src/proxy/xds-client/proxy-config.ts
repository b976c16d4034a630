// The sidecar's whole runtime config at one moment: an immutable snapshot the xDS client hands out.
import type { ClusterConfig, ListenerConfig, LoadAssignment, RouteConfig } from '../config/index.js';

/**
 * One consistent, immutable view of the accepted xDS config. Every route config a listener's
 * connection manager names is present, and every cluster has finished warming.
 */
export interface ProxyConfig {
  /** Increases by one with every snapshot the client emits. */
  readonly version: number;
  readonly listeners: ReadonlyMap<string, ListenerConfig>;
  /** Route configurations by name (RDS). */
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
  /** Load assignments by EDS service name. */
  readonly endpoints: ReadonlyMap<string, LoadAssignment>;
  /** True once the first CDS (with its EDS) and LDS (with its RDS) have been applied: Envoy's init manager is done. */
  readonly ready: boolean;
}

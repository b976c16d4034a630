// What the admin server asks of the sidecar: the AdminTarget it implements, and cluster status rows.
import type { NamedSecret } from './admin-certs.js';

/** The server's lifecycle state, as Envoy's `/ready` and `/server_info` print it. */
export type AdminState = 'PRE_INITIALIZING' | 'LIVE' | 'DRAINING';

/** One upstream host of a cluster, with the counters Envoy's `/clusters` prints. */
export interface HostStatus {
  readonly address: string;
  readonly port: number;
  /** Envoy's failed health flags (`failed_eds_health`, `failed_outlier_check`, ...); empty when healthy. */
  readonly healthFlags: readonly string[];
  readonly weight: number;
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
  readonly rqActive: number;
  readonly rqTotal: number;
  readonly rqError: number;
  readonly cxActive: number;
  /** Whether outlier detection has ejected the host. */
  readonly outlierEjected: boolean;
}

/** One cluster and its hosts. */
export interface ClusterStatus {
  /** Istio's name: `outbound|9080||reviews.default.svc.cluster.local`. */
  readonly name: string;
  readonly hosts: readonly HostStatus[];
}

/** The sidecar as the admin server sees it. Every method is cheap and must not throw. */
/** A drain as Envoy's `/drain_listeners` takes it. */
export interface DrainRequest {
  /** `?graceful`: in-flight work may finish first. */
  readonly graceful: boolean;
  /** `?inboundonly`: only INBOUND listeners stop, so the app's outbound calls keep working. */
  readonly inboundOnly: boolean;
}

export interface AdminTarget {
  /** The secrets the current config's TLS contexts name, with their values, for /certs and /config_dump. */
  secrets(): readonly NamedSecret[];
  /** Envoy's ConfigDump entries (`{'@type': ..., ...}`), served as `{configs: [...]}`; the admin server adds the SecretsConfigDump. */
  configDump(): unknown;
  clusterStatuses(): readonly ClusterStatus[];
  /** Envoy-style stats (`cluster.outbound|...upstream_rq_total` → value). */
  stats(): ReadonlyMap<string, number>;
  state(): AdminState;
  /** Stops the listeners accepting (see {@link DrainRequest}); in-flight work carries on. */
  drainListeners(request: DrainRequest): void;
  /** Shuts the sidecar down; called after the admin response has been sent. */
  quit(): void;
  logLevel(): string;
  /** Sets the log level; false when `level` is not one the sidecar knows. */
  setLogLevel(level: string): boolean;
  /** The Prometheus exposition of the sidecar's metrics. */
  prometheus(): Promise<string>;
  /** Version, command-line options and the like; the admin server adds state and uptime. */
  serverInfo(): object;
}

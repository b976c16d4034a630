// One upstream endpoint of a cluster with the runtime state the data path reads on every request.
import type { EndpointConfig, HealthStatus, Locality } from '../config/endpoint.js';

/** Per-host counters, named as Envoy's `/clusters` output names them. */
export interface HostStats {
  rq_total: number;
  rq_error: number;
  rq_success: number;
  /** Requests in flight, mirrored from `Host.activeRequests` for the admin. */
  rq_active: number;
  cx_active: number;
  cx_total: number;
  cx_connect_fail: number;
}

/** The key that identifies a host across EDS updates. */
export function hostKey(address: string, port: number): string {
  return `${address}:${port}`;
}

/**
 * An endpoint with its runtime state. Fields are plain and mutable on purpose: the load balancer,
 * the router, the outlier detector and the health checker read and write them directly, and a
 * `HostSet.refresh()` makes health changes visible to the load balancers.
 */
export class Host {
  /** `address:port`, stable across EDS updates. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** Load-balancing weight, at least 1. */
  weight: number;
  locality: Locality;
  priority: number;
  /** Istio's `tlsMode` endpoint metadata (`istio` or `disabled`), for transport socket matching. */
  tlsMode: string | undefined;
  workload: string | undefined;
  /** EDS health status, as the control plane last sent it. */
  edsHealth: HealthStatus;
  /** Set by the active health checker while the host fails its checks (Envoy's `/failed_active_hc`). */
  failedActiveHealthCheck = false;
  /** Set by the outlier detector while the host is ejected (Envoy's `/failed_outlier_check`). */
  ejected = false;
  /** Clock time of the last ejection; 0 when never ejected. */
  lastEjectionTime = 0;
  /** Clock time of the last un-ejection; 0 when never un-ejected. */
  lastUnejectionTime = 0;
  /** How many times the host has been ejected. */
  timesEjected = 0;
  /** The ejection backoff multiplier (Envoy's ejection time backoff): grows on ejection, decays while healthy. */
  ejectionBackoff = 0;
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  /** Requests in flight to this host; the router increments and decrements it. */
  activeRequests = 0;
  readonly stats: HostStats = {
    rq_total: 0,
    rq_error: 0,
    rq_success: 0,
    rq_active: 0,
    cx_active: 0,
    cx_total: 0,
    cx_connect_fail: 0,
  };

  constructor(endpoint: EndpointConfig, locality: Locality, priority: number) {
    this.address = endpoint.address;
    this.port = endpoint.port;
    this.key = hostKey(endpoint.address, endpoint.port);
    this.weight = Math.max(1, endpoint.weight);
    this.locality = locality;
    this.priority = priority;
    this.tlsMode = endpoint.tlsMode;
    this.workload = endpoint.workload;
    this.edsHealth = endpoint.healthStatus;
  }

  /** Applies a newer EDS view of the same endpoint, keeping the runtime state. */
  update(endpoint: EndpointConfig, locality: Locality, priority: number): void {
    this.weight = Math.max(1, endpoint.weight);
    this.locality = locality;
    this.priority = priority;
    this.tlsMode = endpoint.tlsMode;
    this.workload = endpoint.workload;
    this.edsHealth = endpoint.healthStatus;
  }

  /** Whether EDS allows traffic to it: HEALTHY, UNKNOWN and DEGRADED do, as in Envoy. */
  edsAllowsTraffic(): boolean {
    const h = this.edsHealth;
    return h === 'HEALTHY' || h === 'UNKNOWN' || h === 'DEGRADED';
  }

  /** Whether the load balancer may pick it: EDS allows it, not ejected, not failing active checks. */
  isHealthy(): boolean {
    return !this.ejected && !this.failedActiveHealthCheck && this.edsAllowsTraffic();
  }

  /** Counts a request as started (the router calls it once per attempt). */
  onRequestStart(): void {
    this.activeRequests++;
    this.stats.rq_total++;
    this.stats.rq_active = this.activeRequests;
  }

  /** Counts a request as finished; `error` for 5xx responses and local failures. */
  onRequestEnd(error: boolean): void {
    if (this.activeRequests > 0) this.activeRequests--;
    this.stats.rq_active = this.activeRequests;
    if (error) this.stats.rq_error++;
    else this.stats.rq_success++;
  }
}

// One upstream cluster at run time: its hosts, load balancer, circuit breaker, outlier detector
// and active health checker, kept together across EDS updates.
import type { ClusterConfig } from '../config/cluster.js';
import type { LoadAssignment, Locality } from '../config/endpoint.js';
import { createCircuitBreaker, type BreakerOverflowStats, type CircuitBreaker } from './circuit-breaker.js';
import { createHealthChecker, type HealthChecker, type HealthCheckTimers } from './health-checker.js';
import type { Host } from './host.js';
import { createHostSet, type HostSet } from './host-set.js';
import { createLoadBalancer, type LbContext, type LoadBalancer } from './load-balancer.js';
import { createOutlierDetector, type OutlierDetector, type OutlierOutcome, type OutlierStats } from './outlier-detector.js';

/** What a cluster needs from its surroundings; injected so tests control time and chance. */
export interface UpstreamClusterDeps {
  readonly clock: { now(): number };
  readonly timers: HealthCheckTimers;
  /** Values in [0, 1). */
  readonly random: () => number;
}

/** One host as the admin's `/clusters` lists it. */
export interface HostStatus {
  readonly address: string;
  readonly port: number;
  readonly priority: number;
  readonly locality: Locality;
  readonly weight: number;
  /** Envoy's `health_flags`: `healthy`, or flags such as `/failed_active_hc/failed_outlier_check`. */
  readonly healthFlags: string;
  readonly rq_active: number;
  readonly rq_total: number;
  readonly rq_error: number;
  readonly rq_success: number;
  readonly cx_active: number;
  readonly cx_total: number;
  readonly cx_connect_fail: number;
  readonly timesEjected: number;
}

/** Cluster-level numbers for `/stats` (`cluster.<name>.*`). */
export interface ClusterStats {
  readonly membership_total: number;
  readonly membership_healthy: number;
  readonly membership_degraded: number;
  readonly overflow: Readonly<BreakerOverflowStats>;
  readonly remaining_cx: number;
  readonly remaining_pending: number;
  readonly remaining_rq: number;
  readonly remaining_retries: number;
  readonly outlier: Readonly<OutlierStats> | undefined;
}

const EMPTY_ASSIGNMENT = (name: string): LoadAssignment => ({ clusterName: name, localities: [] });

/** Envoy's `health_flags` text for a host. */
export function healthFlags(host: Host): string {
  let flags = '';
  if (host.failedActiveHealthCheck) flags += '/failed_active_hc';
  if (host.ejected) flags += '/failed_outlier_check';
  if (!host.edsAllowsTraffic()) flags += '/failed_eds_health';
  else if (host.edsHealth === 'DEGRADED') flags += '/degraded_eds_health';
  return flags === '' ? 'healthy' : flags;
}

/** A live cluster. The router picks hosts through it; the connection manager keeps the pools. */
export class UpstreamCluster {
  readonly circuitBreaker: CircuitBreaker;
  readonly outlierDetector: OutlierDetector | undefined;
  readonly healthChecker: HealthChecker | undefined;
  private hosts: HostSet;
  private loadBalancer: LoadBalancer | undefined;

  constructor(
    readonly config: ClusterConfig,
    private readonly deps: UpstreamClusterDeps,
  ) {
    this.hosts = createHostSet(config.loadAssignment ?? EMPTY_ASSIGNMENT(config.name));
    this.loadBalancer = createLoadBalancer(config.lbPolicy, this.hosts, config, deps.random);
    this.circuitBreaker = createCircuitBreaker(config.circuitBreakers);
    const current = (): HostSet => this.hosts;
    this.outlierDetector = config.outlierDetection
      ? createOutlierDetector(config.outlierDetection, current, deps.clock, deps.timers, { cluster: config.name, random: deps.random })
      : undefined;
    this.healthChecker = config.healthCheck
      ? createHealthChecker(config.healthCheck, current, { timers: deps.timers, authority: config.serviceHost })
      : undefined;
    this.healthChecker?.start();
  }

  get name(): string {
    return this.config.name;
  }

  /** The current hosts. */
  get hostSet(): HostSet {
    return this.hosts;
  }

  /**
   * Applies an EDS update. Hosts that stay (same address:port) keep their ejection, health-check
   * and in-flight state; the load balancer is rebuilt over the new set.
   */
  updateEndpoints(assignment: LoadAssignment): void {
    this.hosts = createHostSet(assignment, this.hosts);
    this.loadBalancer = createLoadBalancer(this.config.lbPolicy, this.hosts, this.config, this.deps.random);
    this.healthChecker?.onHostsChanged();
  }

  /**
   * A healthy host for a request, or undefined when there is none (503 UH) or the cluster has no
   * load balancer (`CLUSTER_PROVIDED`: the caller connects to the original destination).
   */
  pickHost(context: LbContext): Host | undefined {
    return this.loadBalancer?.pick(context);
  }

  /** Reports an attempt's outcome to outlier detection (a no-op when it is not configured). */
  reportResult(host: Host, outcome: OutlierOutcome): void {
    this.outlierDetector?.reportResult(host, outcome);
  }

  stats(): ClusterStats {
    let healthy = 0;
    let degraded = 0;
    for (const h of this.hosts.hosts) {
      if (!h.isHealthy()) continue;
      if (h.edsHealth === 'DEGRADED') degraded++;
      else healthy++;
    }
    const cb = this.circuitBreaker;
    return {
      membership_total: this.hosts.hosts.length,
      membership_healthy: healthy,
      membership_degraded: degraded,
      overflow: { ...cb.overflow },
      remaining_cx: cb.remaining('connections'),
      remaining_pending: cb.remaining('pending'),
      remaining_rq: cb.remaining('requests'),
      remaining_retries: cb.remaining('retries'),
      outlier: this.outlierDetector ? { ...this.outlierDetector.stats } : undefined,
    };
  }

  /** Every host with its health flags and counters, for the admin's `/clusters`. */
  hostStatuses(): HostStatus[] {
    return this.hosts.hosts.map((h) => ({
      address: h.address,
      port: h.port,
      priority: h.priority,
      locality: h.locality,
      weight: h.weight,
      healthFlags: healthFlags(h),
      rq_active: h.activeRequests,
      rq_total: h.stats.rq_total,
      rq_error: h.stats.rq_error,
      rq_success: h.stats.rq_success,
      cx_active: h.stats.cx_active,
      cx_total: h.stats.cx_total,
      cx_connect_fail: h.stats.cx_connect_fail,
      timesEjected: h.timesEjected,
    }));
  }

  /** Stops the outlier detector's and the health checker's timers. */
  close(): void {
    this.outlierDetector?.close();
    this.healthChecker?.close();
  }
}

/** Creates a cluster from its config; STATIC clusters start with their inline endpoints, EDS clusters empty. */
export function createUpstreamCluster(config: ClusterConfig, deps: UpstreamClusterDeps): UpstreamCluster {
  return new UpstreamCluster(config, deps);
}

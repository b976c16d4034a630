// Passive health checking: ejects hosts after consecutive 5xx, gateway or local-origin failures and
// returns them to service on the interval tick, with Envoy's backoff and max-ejection-percent rules.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { OutlierDetectionConfig } from '../config/cluster.js';
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';

/** Envoy's default `max_ejection_time`: the cap on base time × backoff. */
export const DEFAULT_MAX_EJECTION_TIME_MS = 300_000;

/** The result of one request attempt, as the router reports it. */
export interface OutlierOutcome {
  /** The upstream's response status, when a response arrived. */
  status?: number;
  /** A failure of the proxy's own making: no connection, no response in time, or a reset. */
  localFailure?: 'connect_failure' | 'timeout' | 'reset';
}

export type EjectionType = 'consecutive_5xx' | 'consecutive_gateway_failure' | 'consecutive_local_origin_failure';

/** Published on `outlierEjectionChannel` for every ejection decision and un-ejection. */
export interface OutlierEvent {
  readonly cluster: string;
  readonly host: string; // address:port
  readonly action: 'eject' | 'uneject';
  readonly type: EjectionType | undefined;
  /** False when detected but not enforced (enforcing percentage) or refused by max ejection percent. */
  readonly enforced: boolean;
  readonly timesEjected: number;
}

/** Outlier events for telemetry and the admin. */
export const outlierEjectionChannel = diagnosticsChannel.channel('heddle:proxy:outlier-ejection');

/** Counters as Envoy names them under `cluster.<name>.outlier_detection.`. */
export interface OutlierStats {
  ejections_active: number;
  ejections_enforced_total: number;
  ejections_overflow: number;
  ejections_detected_consecutive_5xx: number;
  ejections_enforced_consecutive_5xx: number;
  ejections_detected_consecutive_gateway_failure: number;
  ejections_enforced_consecutive_gateway_failure: number;
  ejections_detected_consecutive_local_origin_failure: number;
  ejections_enforced_consecutive_local_origin_failure: number;
}

export interface OutlierClock {
  now(): number;
}

export interface OutlierTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface OutlierDetectorOptions {
  /** Cluster name for events. */
  readonly cluster?: string;
  readonly maxEjectionTimeMs?: number;
  /** Values in [0, 1) for the enforcing percentages; Math.random by default. */
  readonly random?: () => number;
}

/** Envoy's `LocalOriginConnectFailed` and friends, seen as HTTP codes when errors are not split. */
function localFailureStatus(failure: NonNullable<OutlierOutcome['localFailure']>): number {
  return failure === 'timeout' ? 504 : 503;
}

/** The outlier detector of one cluster. */
export class OutlierDetector {
  readonly stats: OutlierStats = {
    ejections_active: 0,
    ejections_enforced_total: 0,
    ejections_overflow: 0,
    ejections_detected_consecutive_5xx: 0,
    ejections_enforced_consecutive_5xx: 0,
    ejections_detected_consecutive_gateway_failure: 0,
    ejections_enforced_consecutive_gateway_failure: 0,
    ejections_detected_consecutive_local_origin_failure: 0,
    ejections_enforced_consecutive_local_origin_failure: 0,
  };
  private readonly timer: unknown;
  private readonly cluster: string;
  private readonly maxEjectionTimeMs: number;
  private readonly random: () => number;

  constructor(
    private readonly config: OutlierDetectionConfig,
    private readonly hostSet: () => HostSet,
    private readonly clock: OutlierClock,
    private readonly timers: OutlierTimers,
    options: OutlierDetectorOptions = {},
  ) {
    this.cluster = options.cluster ?? '';
    this.maxEjectionTimeMs = options.maxEjectionTimeMs ?? DEFAULT_MAX_EJECTION_TIME_MS;
    this.random = options.random ?? Math.random;
    this.timer = timers.setInterval(() => this.onInterval(), config.intervalMs);
  }

  /**
   * Records one attempt's outcome for `host`. A non-5xx response resets the consecutive counters;
   * 5xx responses and (unless errors are split) local failures count towards consecutive 5xx;
   * 502/503/504 and local failures count towards consecutive gateway failures. With
   * `splitExternalLocalOriginErrors`, local failures count only towards consecutive local-origin
   * failures, which any response resets.
   */
  reportResult(host: Host, outcome: OutlierOutcome): void {
    const c = this.config;
    if (outcome.localFailure !== undefined) {
      if (c.splitExternalLocalOriginErrors) {
        host.consecutiveLocalOriginFailure++;
        if (c.consecutiveLocalOriginFailure > 0 && host.consecutiveLocalOriginFailure >= c.consecutiveLocalOriginFailure) {
          host.consecutiveLocalOriginFailure = 0;
          this.consider(host, 'consecutive_local_origin_failure', 100);
        }
        return;
      }
      this.putStatus(host, localFailureStatus(outcome.localFailure));
      return;
    }
    if (outcome.status === undefined) return;
    if (c.splitExternalLocalOriginErrors) host.consecutiveLocalOriginFailure = 0;
    this.putStatus(host, outcome.status);
  }

  private putStatus(host: Host, status: number): void {
    const c = this.config;
    if (status < 500 || status > 599) {
      host.consecutive5xx = 0;
      host.consecutiveGatewayFailure = 0;
      return;
    }
    if (status === 502 || status === 503 || status === 504) {
      host.consecutiveGatewayFailure++;
      if (c.consecutiveGatewayFailure > 0 && host.consecutiveGatewayFailure >= c.consecutiveGatewayFailure) {
        host.consecutiveGatewayFailure = 0;
        this.consider(host, 'consecutive_gateway_failure', c.enforcingConsecutiveGatewayFailure);
      }
    } else {
      host.consecutiveGatewayFailure = 0;
    }
    host.consecutive5xx++;
    if (c.consecutive5xx > 0 && host.consecutive5xx >= c.consecutive5xx) {
      host.consecutive5xx = 0;
      this.consider(host, 'consecutive_5xx', c.enforcingConsecutive5xx);
    }
  }

  /**
   * Ejects `host` when allowed. As Envoy does, the ejection must keep the ejected share of the
   * cluster's hosts at or below `maxEjectionPercent` counting this host, so a 10% limit ejects
   * nothing in a cluster of fewer than 10 hosts; the enforcing percentage then decides.
   */
  private consider(host: Host, type: EjectionType, enforcing: number): void {
    // A host that left the cluster in an EDS update while its request was in flight is not judged.
    if (host.ejected || this.hostSet().get(host.key) !== host) return;
    this.stats[`ejections_detected_${type}`]++;
    const hosts = this.hostSet().hosts;
    let active = 0;
    for (const h of hosts) if (h.ejected) active++;
    if ((100 * (active + 1)) / hosts.length > this.config.maxEjectionPercent) {
      this.stats.ejections_overflow++;
      this.publish(host, 'eject', type, false);
      return;
    }
    if (this.random() * 100 >= enforcing) {
      this.publish(host, 'eject', type, false);
      return;
    }
    const base = this.config.baseEjectionTimeMs;
    host.ejected = true;
    host.lastEjectionTime = this.clock.now();
    host.timesEjected++;
    if (host.ejectionBackoff * base < this.maxEjectionTimeMs + base) host.ejectionBackoff++;
    this.stats.ejections_active = active + 1;
    this.stats.ejections_enforced_total++;
    this.stats[`ejections_enforced_${type}`]++;
    this.hostSet().refresh();
    this.publish(host, 'eject', type, true);
  }

  /**
   * The interval sweep: un-ejects hosts whose ejection time (base × backoff, at most
   * max(base, maxEjectionTime)) has passed, and lets the backoff of hosts that stayed healthy for
   * a whole interval decay by one.
   */
  onInterval(): void {
    const now = this.clock.now();
    const base = this.config.baseEjectionTimeMs;
    const cap = Math.max(base, this.maxEjectionTimeMs);
    let changed = false;
    let active = 0;
    for (const host of this.hostSet().hosts) {
      if (host.ejected) {
        const ejectionTime = Math.min(base * host.ejectionBackoff, cap);
        if (now - host.lastEjectionTime < ejectionTime) {
          active++;
          continue;
        }
        host.ejected = false;
        host.lastUnejectionTime = now;
        host.consecutive5xx = 0;
        host.consecutiveGatewayFailure = 0;
        host.consecutiveLocalOriginFailure = 0;
        changed = true;
        this.publish(host, 'uneject', undefined, true);
      } else if (
        host.lastUnejectionTime > 0 &&
        host.ejectionBackoff > 0 &&
        now - host.lastUnejectionTime >= this.config.intervalMs
      ) {
        host.ejectionBackoff--;
      }
    }
    this.stats.ejections_active = active;
    if (changed) this.hostSet().refresh();
  }

  /** Stops the interval timer. */
  close(): void {
    this.timers.clearInterval(this.timer);
  }

  private publish(host: Host, action: OutlierEvent['action'], type: EjectionType | undefined, enforced: boolean): void {
    if (!outlierEjectionChannel.hasSubscribers) return;
    const event: OutlierEvent = { cluster: this.cluster, host: host.key, action, type, enforced, timesEjected: host.timesEjected };
    outlierEjectionChannel.publish(event);
  }
}

/**
 * Creates a cluster's outlier detector; it starts its interval timer at once. `hostSet` returns the
 * current host set (it changes on EDS updates, and host state carries over).
 */
export function createOutlierDetector(
  config: OutlierDetectionConfig,
  hostSet: () => HostSet,
  clock: OutlierClock,
  timers: OutlierTimers,
  options?: OutlierDetectorOptions,
): OutlierDetector {
  return new OutlierDetector(config, hostSet, clock, timers, options);
}

// Active health checks: a TCP connect or an HTTP GET to every host on an interval, marking hosts
// that fail `unhealthyThreshold` checks in a row and restoring them after `healthyThreshold` passes.
import http from 'node:http';
import net from 'node:net';
import type { HealthCheckConfig } from '../config/cluster.js';
import type { Host } from './host.js';
import type { HostSet } from './host-set.js';

export interface HealthCheckTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HealthCheckerOptions {
  /** Host header for HTTP checks (the cluster's service host); the endpoint address by default. */
  readonly authority?: string;
  readonly timers?: HealthCheckTimers;
}

interface HostCheckState {
  successes: number;
  failures: number;
  inFlight: boolean;
  /** No check has passed yet since the host appeared (Envoy's pending active health check). */
  pending: boolean;
}

/** The active health checker of one cluster. Hosts it has not seen pass a check yet take no traffic. */
export class HealthChecker {
  private readonly states = new WeakMap<Host, HostCheckState>();
  private readonly timers: HealthCheckTimers;
  private timer: unknown;
  private closed = false;
  private readonly inFlight = new Set<() => void>();

  constructor(
    private readonly config: HealthCheckConfig,
    private readonly hostSet: () => HostSet,
    private readonly options: HealthCheckerOptions = {},
  ) {
    this.timers = options.timers ?? { setInterval, clearInterval, setTimeout, clearTimeout };
  }

  /** Marks the current hosts as pending, checks them at once, then every `intervalMs`. */
  start(): void {
    this.onHostsChanged();
    this.timer = this.timers.setInterval(() => this.checkAll(), this.config.intervalMs);
  }

  /** Call after an EDS update: hosts not seen before are marked failing until their first check passes. */
  onHostsChanged(): void {
    let changed = false;
    for (const host of this.hostSet().hosts) {
      if (this.states.has(host)) continue;
      this.states.set(host, { successes: 0, failures: 0, inFlight: false, pending: true });
      if (!host.failedActiveHealthCheck) {
        host.failedActiveHealthCheck = true;
        changed = true;
      }
    }
    if (changed) this.hostSet().refresh();
    this.checkAll();
  }

  /** Stops checking and aborts checks in flight. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearInterval(this.timer);
    for (const abort of this.inFlight) abort();
    this.inFlight.clear();
  }

  private checkAll(): void {
    if (this.closed) return;
    for (const host of this.hostSet().hosts) {
      const state = this.states.get(host);
      if (state && !state.inFlight) this.check(host, state);
    }
  }

  private check(host: Host, state: HostCheckState): void {
    state.inFlight = true;
    let done = false;
    const probe: { cleanup?: () => void } = {};
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      this.timers.clearTimeout(timeout);
      this.inFlight.delete(abort);
      probe.cleanup?.();
      state.inFlight = false;
      if (!this.closed) this.record(host, state, ok);
    };
    const abort = (): void => finish(false);
    const timeout = this.timers.setTimeout(abort, this.config.timeoutMs);
    this.inFlight.add(abort);
    const path = this.config.httpPath;
    probe.cleanup = path === undefined ? this.tcpCheck(host, finish) : this.httpCheck(host, path, finish);
    if (done) probe.cleanup();
  }

  private tcpCheck(host: Host, finish: (ok: boolean) => void): () => void {
    const socket = net.connect({ host: host.address, port: host.port });
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    return () => socket.destroy();
  }

  private httpCheck(host: Host, path: string, finish: (ok: boolean) => void): () => void {
    const req = http.request({
      host: host.address,
      port: host.port,
      path,
      method: 'GET',
      agent: false,
      headers: { host: this.options.authority ?? host.key, 'user-agent': 'heddle-health-checker', connection: 'close' },
    });
    req.once('response', (res) => {
      res.resume();
      // Envoy's default expected status is 200 only.
      finish(res.statusCode === 200);
    });
    req.once('error', () => finish(false));
    req.end();
    return () => req.destroy();
  }

  private record(host: Host, state: HostCheckState, ok: boolean): void {
    let flip = false;
    if (ok) {
      state.failures = 0;
      state.successes++;
      if (host.failedActiveHealthCheck && (state.pending || state.successes >= this.config.healthyThreshold)) flip = true;
      state.pending = false;
    } else {
      state.successes = 0;
      state.failures++;
      if (!host.failedActiveHealthCheck && state.failures >= this.config.unhealthyThreshold) flip = true;
    }
    if (!flip) return;
    host.failedActiveHealthCheck = !ok;
    // The host may have left the cluster during the check; refreshing the current set is harmless.
    this.hostSet().refresh();
  }
}

/** Creates a cluster's active health checker; call `start()` to begin. */
export function createHealthChecker(config: HealthCheckConfig, hostSet: () => HostSet, options?: HealthCheckerOptions): HealthChecker {
  return new HealthChecker(config, hostSet, options);
}

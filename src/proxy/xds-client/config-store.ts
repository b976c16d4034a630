// The policy side of the xDS client: accepted resources per type, cluster and listener warming,
// and the atomic snapshots handed to the data path (Envoy's cluster manager and init manager).
import { isDeepStrictEqual } from 'node:util';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';
import type { ClusterConfig, ListenerConfig, LoadAssignment, RouteConfig } from '../config/index.js';
import { NO_HEADER_OPERATIONS } from '../decode/header-value-option.js';
import type { ProxyConfig } from './proxy-config.js';
import { type SidecarResource, type SidecarTypeUrl } from './resource-decoders.js';
import type { TimerHandle, XdsTimers } from './xds-client-options.js';

/** The RDS names a listener's connection managers look up. */
export function routeNamesOf(l: ListenerConfig): string[] {
  const names: string[] = [];
  for (const chain of l.defaultFilterChain ? [...l.filterChains, l.defaultFilterChain] : l.filterChains) {
    if (chain.network.kind === 'http' && chain.network.hcm.rdsRouteConfigName) names.push(chain.network.hcm.rdsRouteConfigName);
  }
  return names;
}

function edsNameOf(c: ClusterConfig): string | undefined {
  return c.type === 'EDS' ? (c.edsServiceName ?? c.name) : undefined;
}

/** The route config a listener gets when its RDS never arrived within the warming timeout: no routes (404 NR). */
function emptyRouteConfig(name: string): RouteConfig {
  return { name, virtualHosts: [], headers: NO_HEADER_OPERATIONS, ignorePortInHostMatching: false };
}

/** Warming items of one kind: the pending version of each, and its warming timer. */
class Warming<T> {
  readonly pending = new Map<string, T>();
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly xt: XdsTimers, private readonly timeoutMs: number, private readonly expire: (name: string) => void) {}

  /** Puts `value` in warming; the timer starts when the name first starts warming. */
  add(name: string, value: T): void {
    this.pending.set(name, value);
    if (!this.timers.has(name)) this.timers.set(name, this.xt.setTimeout(() => this.expire(name), this.timeoutMs));
  }

  /** Takes `name` out of warming, stopping its timer; its pending value, if any. */
  take(name: string): T | undefined {
    const value = this.pending.get(name);
    this.pending.delete(name);
    const t = this.timers.get(name);
    if (t !== undefined) this.xt.clearTimeout(t);
    this.timers.delete(name);
    return value;
  }

  clear(): void {
    for (const name of [...this.timers.keys()]) this.take(name);
  }
}

/**
 * Holds what the client accepted and emits a new {@link ProxyConfig} whenever what the data path
 * sees changes. A new or changed cluster warms until its endpoints arrive; a new or changed
 * listener until its route configs are there and no cluster is warming; either is activated
 * anyway after the warming timeout (a listener's missing routes then being empty).
 */
export class ConfigStore {
  private readonly clusters = new Map<string, ClusterConfig>();
  private readonly listeners = new Map<string, ListenerConfig>();
  private readonly routes = new Map<string, RouteConfig>();
  private readonly endpoints = new Map<string, LoadAssignment>();
  private readonly warmingClusters: Warming<ClusterConfig>;
  private readonly warmingListeners: Warming<ListenerConfig>;
  private readonly received = new Set<string>();
  private dirty = false;
  private ready = false;
  private version = 0;
  /** The last snapshot emitted. */
  current: ProxyConfig | undefined;
  /** Called after a warming timeout changed what is active, so the EDS and RDS subscriptions can follow. */
  onWarmingExpired: (() => void) | undefined;

  constructor(timers: XdsTimers, warmingTimeoutMs: number, private readonly emit: (config: ProxyConfig) => void) {
    this.warmingClusters = new Warming(timers, warmingTimeoutMs, (name) => this.expireCluster(name));
    this.warmingListeners = new Warming(timers, warmingTimeoutMs, (name) => this.expireListener(name));
  }

  /** The EDS service names of every active and warming EDS cluster, sorted. */
  edsNames(): string[] {
    const names = new Set<string>();
    for (const c of [...this.clusters.values(), ...this.warmingClusters.pending.values()]) {
      const n = edsNameOf(c);
      if (n !== undefined) names.add(n);
    }
    return [...names].sort();
  }

  /** The route config names of every active and warming listener, sorted. */
  rdsNames(): string[] {
    const names = new Set<string>();
    for (const l of [...this.listeners.values(), ...this.warmingListeners.pending.values()]) for (const n of routeNamesOf(l)) names.add(n);
    return [...names].sort();
  }

  /** How many resources of `typeUrl` are accepted (active or warming). */
  count(typeUrl: SidecarTypeUrl): number {
    switch (typeUrl) {
      case CLUSTER_TYPE:
        return new Set([...this.clusters.keys(), ...this.warmingClusters.pending.keys()]).size;
      case LISTENER_TYPE:
        return new Set([...this.listeners.keys(), ...this.warmingListeners.pending.keys()]).size;
      case ROUTE_TYPE:
        return this.routes.size;
      default:
        return this.endpoints.size;
    }
  }

  /**
   * Applies an accepted update: `resources` are added or replace what was there, `removed` are
   * dropped, and with `replaceAll` (a State-of-the-World CDS or LDS response) so is every resource
   * not listed. EDS and RDS resources nobody references are ignored and dropped.
   */
  apply(typeUrl: SidecarTypeUrl, resources: ReadonlyMap<string, SidecarResource>, removed: readonly string[], replaceAll: boolean): void {
    this.received.add(typeUrl);
    switch (typeUrl) {
      case CLUSTER_TYPE:
        this.applyWarmable(this.clusters, this.warmingClusters, resources as ReadonlyMap<string, ClusterConfig>, removed, replaceAll);
        break;
      case LISTENER_TYPE:
        this.applyWarmable(this.listeners, this.warmingListeners, resources as ReadonlyMap<string, ListenerConfig>, removed, replaceAll);
        break;
      case ROUTE_TYPE:
        this.applyPlain(this.routes, new Set(this.rdsNames()), resources as ReadonlyMap<string, RouteConfig>, removed);
        break;
      case ENDPOINT_TYPE:
        this.applyPlain(this.endpoints, new Set(this.edsNames()), resources as ReadonlyMap<string, LoadAssignment>, removed);
        break;
    }
    this.promote();
    this.prune();
    this.flush();
  }

  /** Stops every warming timer. */
  close(): void {
    this.warmingClusters.clear();
    this.warmingListeners.clear();
  }

  private applyWarmable<T>(active: Map<string, T>, warming: Warming<T>, resources: ReadonlyMap<string, T>, removed: readonly string[], replaceAll: boolean): void {
    for (const [name, value] of resources) {
      const current = active.get(name);
      if (current !== undefined && isDeepStrictEqual(current, value)) {
        warming.take(name); // an update back to what is serving ends any warming of a newer version
        continue;
      }
      if (warming.pending.has(name) && isDeepStrictEqual(warming.pending.get(name), value)) continue;
      warming.add(name, value);
    }
    const gone = replaceAll ? [...new Set([...active.keys(), ...warming.pending.keys()])].filter((n) => !resources.has(n)) : removed;
    for (const name of gone) {
      warming.take(name);
      if (active.delete(name)) this.dirty = true;
    }
  }

  private applyPlain<T>(map: Map<string, T>, wanted: ReadonlySet<string>, resources: ReadonlyMap<string, T>, removed: readonly string[]): void {
    for (const [name, value] of resources) {
      if (!wanted.has(name)) continue;
      if (!isDeepStrictEqual(map.get(name), value)) {
        map.set(name, value);
        this.dirty = true;
      }
    }
    for (const name of removed) if (map.delete(name)) this.dirty = true;
  }

  /** Drops route configs and endpoints that no listener or cluster references any more. */
  private prune(): void {
    const rds = new Set(this.rdsNames());
    for (const name of [...this.routes.keys()]) if (!rds.has(name) && this.routes.delete(name)) this.dirty = true;
    const eds = new Set(this.edsNames());
    for (const name of [...this.endpoints.keys()]) if (!eds.has(name) && this.endpoints.delete(name)) this.dirty = true;
  }

  /** Activates every cluster that is warm, then, once none is warming, every listener whose routes are all there. */
  private promote(): void {
    for (const [name, c] of [...this.warmingClusters.pending]) {
      const eds = edsNameOf(c);
      if (eds === undefined || this.endpoints.has(eds)) this.activateCluster(name);
    }
    if (this.warmingClusters.pending.size > 0) return;
    for (const [name, l] of [...this.warmingListeners.pending]) {
      if (routeNamesOf(l).every((r) => this.routes.has(r))) this.activateListener(name);
    }
  }

  private activateCluster(name: string): void {
    const c = this.warmingClusters.take(name);
    if (c === undefined) return;
    this.clusters.set(name, c);
    this.dirty = true;
  }

  private activateListener(name: string): void {
    const l = this.warmingListeners.take(name);
    if (l === undefined) return;
    this.listeners.set(name, l);
    this.dirty = true;
  }

  private expireCluster(name: string): void {
    this.activateCluster(name);
    this.afterExpiry();
  }

  private expireListener(name: string): void {
    this.activateListener(name);
    this.afterExpiry();
  }

  private afterExpiry(): void {
    this.promote();
    this.prune();
    this.flush();
    this.onWarmingExpired?.();
  }

  /** Emits a snapshot when anything the data path sees changed, or readiness was reached. */
  private flush(): void {
    if (!this.ready && this.received.has(CLUSTER_TYPE) && this.received.has(LISTENER_TYPE) && this.warmingClusters.pending.size === 0 && this.warmingListeners.pending.size === 0) {
      this.ready = true;
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const routes = new Map(this.routes);
    for (const l of this.listeners.values()) for (const r of routeNamesOf(l)) if (!routes.has(r)) routes.set(r, emptyRouteConfig(r));
    const snapshot: ProxyConfig = Object.freeze({
      version: ++this.version,
      listeners: new Map(this.listeners),
      routes,
      clusters: new Map(this.clusters),
      endpoints: new Map(this.endpoints),
      ready: this.ready,
    });
    this.current = snapshot;
    this.emit(snapshot);
  }
}

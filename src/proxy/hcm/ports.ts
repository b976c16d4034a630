// What the HTTP connection manager needs from the rest of the sidecar: the current route tables,
// the upstream clusters, and who this proxy is. The sidecar wires real implementations in.
import type { ClusterConfig, HashPolicy, Route, VirtualHost } from '../config/index.js';
import type { RequestHead } from '../http/message.js';
import type { UpstreamClient } from '../http/exchange.js';
import type { PeerWorkload } from '../telemetry/events.js';

/** A route configuration compiled for matching. */
export interface CompiledRouteTable {
  select(head: RequestHead, random?: () => number): { readonly virtualHost: VirtualHost; readonly route: Route } | undefined;
}

/** Looks route tables up by name at request time, so RDS updates reach open connections. */
export interface RouteTables {
  get(name: string): CompiledRouteTable | undefined;
}

/** One endpoint of a cluster as the router sees it. */
export interface UpstreamHost {
  readonly address: string;
  readonly port: number;
  /** Istio's `workload` endpoint metadata, for destination labels. */
  readonly workload?: string;
  /** `address:port`, when the host keeps it made (EDS hosts do), so requests need not build it. */
  readonly key?: string;
}

/** How an attempt on a host ended, for outlier detection and host stats. */
export interface HostOutcome {
  readonly status?: number;
  readonly localFailure?: 'connect_failure' | 'timeout' | 'reset';
}

/** Admission of a request into a cluster under its circuit breakers. */
export type Admission = { readonly admitted: true; release(): void } | { readonly admitted: false };

/** An upstream cluster, ready for the router. */
export interface RouterCluster {
  readonly config: ClusterConfig;
  /** Picks a host; `avoid` holds hosts already tried. Undefined when none is healthy. */
  pickHost(head: RequestHead, hashPolicies: readonly HashPolicy[], sourceAddress: string, avoid: ReadonlySet<UpstreamHost> | undefined): UpstreamHost | undefined;
  /**
   * The pooled client for a host and protocol. ORIGINAL_DST clusters take the destination instead.
   * `authority` is the request's, for auto_sni and auto_san_validation.
   */
  client(host: UpstreamHost, protocol: 'http1' | 'http2', authority?: string): UpstreamClient;
  /** The host to use for an ORIGINAL_DST cluster. */
  originalDestinationHost(address: string, port: number): UpstreamHost;
  /**
   * Asks the circuit breakers for room for one request (and, on retries, one retry). The callback
   * runs at once, later when a pending slot frees up, or with `admitted: false` on overflow.
   */
  admit(retry: boolean, done: (admission: Admission) => void): void;
  reportOutcome(host: UpstreamHost, outcome: HostOutcome): void;
  /** Counts a request start and end on a host (least-request LB, /clusters). */
  hostRequestStarted(host: UpstreamHost): void;
  hostRequestFinished(host: UpstreamHost, ok: boolean): void;
}

export interface RouterClusters {
  get(name: string): RouterCluster | undefined;
}

/** Who this proxy is, for telemetry and the peer metadata exchange. */
export interface ProxyIdentity {
  readonly self: PeerWorkload;
  /** Peer metadata header values this proxy sends, encoded once. */
  readonly peerMetadata?: { readonly id: string; readonly value: string };
  readonly decodePeer?: (value: string) => PeerWorkload | undefined;
}

/** Injected time and randomness, so tests don't sleep. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: Math.random,
};

/** The protocol to a cluster's endpoints: its own, or the downstream's when it says `downstream`. */
export function upstreamProtocolOf(config: ClusterConfig, downstream: 'http1' | 'http2'): 'http1' | 'http2' {
  return config.upstreamProtocol === 'downstream' ? downstream : config.upstreamProtocol;
}

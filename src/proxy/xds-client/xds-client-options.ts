// Options of the sidecar's xDS client, with the defaults Envoy uses, and the timers it is driven by.
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import type { Logger } from '../../log/index.js';

/** Who the proxy is, as the control plane reads it from the Node of the first request. */
export interface NodeIdentity {
  /** `sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local`. */
  readonly id: string;
  readonly cluster: string;
  /** Istio's node metadata: NAMESPACE, LABELS, POD_PORTS, ... */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Reconnect backoff: exponential from `initialMs` up to `maxMs`, less a random share of up to `jitter` (0..1). */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly jitter: number;
}

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** The timers and randomness the client uses, injected so tests drive them. */
export interface XdsTimers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1). */
  random(): number;
}

export interface XdsClientOptions {
  /** The ADS server, `host:port`. */
  readonly server: string;
  readonly node: NodeIdentity;
  /** Delta (incremental) xDS instead of State of the World. */
  readonly delta?: boolean;
  /** Channel credentials; insecure when absent. */
  readonly credentials?: ChannelCredentials;
  /** gRPC channel options (keepalive, the channel's own reconnect backoff, ...). */
  readonly channelOptions?: ChannelOptions;
  readonly backoff?: Partial<BackoffOptions>;
  /** How long a cluster waits for its endpoints, and a listener for its routes and clusters; 15 s. */
  readonly warmingTimeoutMs?: number;
  readonly timers?: XdsTimers;
  readonly logger?: Logger;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialMs: 500, maxMs: 30_000, jitter: 0.5 });

export const DEFAULT_WARMING_TIMEOUT_MS = 15_000;

/** The process's own timers and Math.random. */
export const SYSTEM_TIMERS: XdsTimers = Object.freeze({
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
});

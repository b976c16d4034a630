// The sidecar's xDS client: one ADS stream to the control plane (State of the World or Delta),
// reconnected with backoff, feeding the ConfigStore that emits ProxyConfig snapshots.
import * as grpc from '@grpc/grpc-js';
import { logger as componentLogger, type Logger } from '../../log/index.js';
import { loadAds, type Node } from '../../xds/ads-service.js';
import { structFromJson, type JsonObject } from '../../xds/struct.js';
import type { AggregatedDiscoveryServiceClient } from '../../xds/generated/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
import type { AdsSession } from './ads-session.js';
import { createBackoff, type Backoff } from './backoff.js';
import { ConfigStore } from './config-store.js';
import { createDeltaSession } from './delta-session.js';
import type { ProxyConfig } from './proxy-config.js';
import { createSotwSession } from './sotw-session.js';
import {
  DEFAULT_BACKOFF,
  DEFAULT_WARMING_TIMEOUT_MS,
  SYSTEM_TIMERS,
  type NodeIdentity,
  type TimerHandle,
  type XdsClientOptions,
  type XdsTimers,
} from './xds-client-options.js';
import { createTypeStates, statusOf, type TypeState, type XdsClientStatus } from './xds-status.js';
import type { SidecarTypeUrl } from './resource-decoders.js';

/** The sidecar's view of the control plane. */
export interface XdsClient {
  /** Calls `fn` with every new snapshot (and at once with the current one, if any); returns an unsubscribe function. */
  onUpdate(fn: (config: ProxyConfig) => void): () => void;
  /** The last snapshot emitted, if any. */
  readonly current: ProxyConfig | undefined;
  /** Connection and per-type sync status, for the admin endpoint. */
  status(): XdsClientStatus;
  /** Ends the stream and every timer; the last snapshot stays readable. */
  close(): void;
}

/** The Node a sidecar sends: its identity, Istio's metadata as a Struct, and Heddle as the user agent. */
export function nodeFromIdentity(identity: NodeIdentity): Node {
  return {
    id: identity.id,
    cluster: identity.cluster,
    metadata: structFromJson(identity.metadata as JsonObject),
    user_agent_name: 'heddle',
  };
}

type Stream = grpc.ClientDuplexStream<object, never>;

class AdsClient implements XdsClient {
  private readonly client: AggregatedDiscoveryServiceClient;
  private readonly store: ConfigStore;
  private readonly states: Map<SidecarTypeUrl, TypeState> = createTypeStates();
  private readonly listeners = new Set<(config: ProxyConfig) => void>();
  private readonly backoff: Backoff;
  private readonly timers: XdsTimers;
  private readonly log: Logger;
  private readonly node: Node;
  private stream: Stream | undefined;
  private connected = false;
  private retry: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly options: XdsClientOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.log = options.logger ?? componentLogger('xds-client');
    this.node = nodeFromIdentity(options.node);
    this.backoff = createBackoff({ ...DEFAULT_BACKOFF, ...options.backoff }, () => this.timers.random());
    this.store = new ConfigStore(this.timers, options.warmingTimeoutMs ?? DEFAULT_WARMING_TIMEOUT_MS, (c) => this.publish(c));
    const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
    this.client = new Ads(options.server, options.credentials ?? grpc.credentials.createInsecure(), options.channelOptions);
    this.connect();
  }

  get current(): ProxyConfig | undefined {
    return this.store.current;
  }

  onUpdate(fn: (config: ProxyConfig) => void): () => void {
    this.listeners.add(fn);
    if (this.store.current) fn(this.store.current);
    return () => this.listeners.delete(fn);
  }

  status(): XdsClientStatus {
    return statusOf(this.options.server, this.options.delta ? 'delta' : 'sotw', this.connected, this.states, (t) => this.store.count(t));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retry !== undefined) this.timers.clearTimeout(this.retry);
    this.retry = undefined;
    const stream = this.stream;
    this.stream = undefined;
    this.connected = false;
    stream?.cancel();
    this.client.close();
    this.store.close();
  }

  private publish(config: ProxyConfig): void {
    this.log.info({ version: config.version, listeners: config.listeners.size, clusters: config.clusters.size, ready: config.ready }, 'applying xDS config');
    for (const fn of this.listeners) fn(config);
  }

  private connect(): void {
    const stream = (this.options.delta ? this.client.DeltaAggregatedResources() : this.client.StreamAggregatedResources()) as unknown as Stream;
    this.stream = stream;
    const context = {
      node: this.node,
      store: this.store,
      states: this.states,
      log: this.log,
      write: (req: object) => {
        if (this.stream === stream) stream.write(req);
      },
    };
    const session: AdsSession<never> = (this.options.delta ? createDeltaSession(context) : createSotwSession(context)) as AdsSession<never>;
    stream.on('metadata', () => {
      if (this.stream === stream) this.connected = true;
    });
    stream.on('data', (res: never) => {
      if (this.stream !== stream) return;
      this.connected = true;
      this.backoff.reset();
      session.onResponse(res);
    });
    stream.on('error', (err: Error) => this.streamEnded(stream, err));
    stream.on('end', () => this.streamEnded(stream));
    this.store.onWarmingExpired = () => {
      if (this.stream === stream) session.followSubscriptions();
    };
    session.start();
  }

  /** Keeps the last config serving and reconnects after a jittered, growing delay. */
  private streamEnded(stream: Stream, err?: Error): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.connected = false;
    stream.cancel();
    if (this.closed) return;
    const delay = this.backoff.next();
    this.log.warn({ server: this.options.server, err: err?.message, retryInMs: delay }, 'xDS stream ended; reconnecting');
    this.retry = this.timers.setTimeout(() => {
      this.retry = undefined;
      if (!this.closed) this.connect();
    }, delay);
  }
}

/**
 * Creates the client and starts connecting: CDS and LDS wildcard, then EDS and RDS for what they
 * reference. Updates are decoded, validated as a whole, ACKed or NACKed, warmed and emitted as
 * {@link ProxyConfig} snapshots; a lost stream is retried with backoff while the last config serves.
 */
export function createXdsClient(options: XdsClientOptions): XdsClient {
  return new AdsClient(options);
}

// Envoy's tcp_proxy network filter: picks a cluster, connects to an endpoint of it, and pipes
// bytes both ways with backpressure and half-close until either side ends or the idle timeout.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { TcpProxyConfig } from '../config/listener.js';
import { createNetworkRbacCheck } from '../filters/rbac/network-rbac-filter.js';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';
import { SYSTEM_TIMERS, type Timers } from '../listener/timers.js';
import { tcpConnectionChannel, UNKNOWN_PEER, type PeerWorkload, type Reporter, type TcpConnectionEvent } from '../telemetry/events.js';
import { RESPONSE_FLAGS, type ResponseFlag } from '../telemetry/response-flags.js';

/** Where to connect for one downstream connection, as the cluster manager resolved it. */
export interface TcpUpstreamTarget {
  readonly address: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /** Source address to bind (`upstream_bind_config`: 127.0.0.6 for inbound passthrough). */
  readonly localAddress?: string;
  /** Originate TLS with these options (the endpoint's transport socket); plaintext when absent. */
  readonly tls?: tls.ConnectionOptions;
  /** The endpoint needs a transport that is not available (`tls: secret default not ready`): fail as UF without connecting. */
  readonly transportFailure?: string;
  /** The service host the cluster stands for, for `destination_service`. */
  readonly destinationService?: string;
  /** The connect attempt's outcome, for outlier detection and load balancing. */
  report?(outcome: 'connected' | 'connect_failure' | 'connect_timeout'): void;
  /** Called once when the proxied connection is over (connection accounting). */
  release?(): void;
}

/** Who the two peers are, for the telemetry events. */
export interface TcpPeers {
  readonly source: PeerWorkload;
  readonly destination: PeerWorkload;
  readonly connectionSecurityPolicy: 'mutual_tls' | 'none' | 'unknown';
}

export interface TcpProxyDeps {
  /**
   * The endpoint to use in `clusterName` for this connection: `blackhole` for BlackHoleCluster,
   * undefined when the cluster is unknown or has no healthy endpoint (flag UH).
   */
  resolve(clusterName: string, context: ConnectionContext): TcpUpstreamTarget | 'blackhole' | undefined;
  readonly reporter: Reporter;
  peers?(context: ConnectionContext): TcpPeers;
  /** [0, 1), for the weighted cluster pick. */
  readonly random?: () => number;
  readonly timers?: Timers;
  readonly now?: () => number;
  /** Told when a connection fails because its transport is unavailable (for a log line). */
  onTransportFailure?(reason: string, context: ConnectionContext): void;
}

const UNKNOWN_PEERS: TcpPeers = { source: UNKNOWN_PEER, destination: UNKNOWN_PEER, connectionSecurityPolicy: 'unknown' };

/**
 * The TCP proxy of one filter chain. Each connection: pick a cluster by weight, resolve a target,
 * connect within its connect timeout (flag UF and close on failure; also when the target's TLS
 * is unavailable or its handshake fails), then pipe both ways. An end
 * from one side is passed on as a half-close; an error on one side destroys the other. With no
 * bytes either way for `idleTimeoutMs` (0 disables) both are closed. BlackHoleCluster and
 * UH close at once. tcpConnectionChannel gets an `open` event and a `close` event with the
 * bytes counted on the upstream socket.
 */
export function createTcpProxyHandler(config: TcpProxyConfig, deps: TcpProxyDeps): ConnectionHandler {
  const env: SessionEnv = {
    config,
    deps,
    timers: deps.timers ?? SYSTEM_TIMERS,
    now: deps.now ?? Date.now,
    random: deps.random ?? Math.random,
    totalWeight: config.clusters.reduce((sum, c) => sum + c.weight, 0),
  };
  // Network RBAC filters before the proxy: a denied connection is closed before any upstream is picked.
  const rbac = config.networkRbac?.length ? createNetworkRbacCheck(config.networkRbac) : undefined;
  return {
    handle(socket: Duplex, context: ConnectionContext): void {
      if (rbac && !rbac(context.connection, context.serverName)) {
        socket.destroy();
        return;
      }
      new TcpProxySession(socket, context, env).start();
    },
  };
}

interface SessionEnv {
  readonly config: TcpProxyConfig;
  readonly deps: TcpProxyDeps;
  readonly timers: Timers;
  readonly now: () => number;
  readonly random: () => number;
  readonly totalWeight: number;
}

class TcpProxySession {
  private upstream: net.Socket | tls.TLSSocket | undefined;
  private target: TcpUpstreamTarget | undefined;
  private cluster: string | undefined;
  private connectTimer: unknown;
  private readonly flags: ResponseFlag[] = [];
  private readonly startTime: number;
  private downstreamClosed = false;
  private upstreamClosed = true;
  private reported = false;
  private connected = false;

  constructor(private readonly downstream: Duplex, private readonly context: ConnectionContext, private readonly env: SessionEnv) {
    this.startTime = env.now();
  }

  start(): void {
    const downstream = this.downstream;
    downstream.on('error', this.onDownstreamError);
    downstream.once('close', this.onDownstreamClose);
    this.cluster = this.pickCluster();
    const target = this.cluster === undefined ? undefined : this.env.deps.resolve(this.cluster, this.context);
    if (target === undefined || target === 'blackhole') {
      if (target === undefined) this.flags.push(RESPONSE_FLAGS.NO_HEALTHY_UPSTREAM);
      this.publish('open');
      downstream.destroy();
      return;
    }
    this.target = target;
    this.publish('open');
    if (target.transportFailure !== undefined) {
      this.flags.push(RESPONSE_FLAGS.UPSTREAM_CONNECTION_FAILURE);
      target.report?.('connect_failure');
      this.env.deps.onTransportFailure?.(target.transportFailure, this.context);
      downstream.destroy();
      return;
    }
    this.upstreamClosed = false;
    const options = { host: target.address, port: target.port, localAddress: target.localAddress, allowHalfOpen: true, noDelay: true };
    const upstream = target.tls ? tls.connect({ ...target.tls, ...options }) : net.connect(options);
    this.upstream = upstream;
    upstream.on('error', this.onUpstreamError);
    upstream.once(target.tls ? 'secureConnect' : 'connect', this.onConnect);
    upstream.once('close', this.onUpstreamClose);
    if (target.connectTimeoutMs > 0) this.connectTimer = this.env.timers.setTimeout(this.onConnectTimeout, target.connectTimeoutMs);
  }

  private pickCluster(): string | undefined {
    const clusters = this.env.config.clusters;
    if (clusters.length <= 1) return clusters[0]?.name;
    let point = this.env.random() * this.env.totalWeight;
    for (const c of clusters) {
      point -= c.weight;
      if (point < 0) return c.name;
    }
    return clusters[clusters.length - 1]!.name;
  }

  private readonly onConnect = (): void => {
    this.clearConnectTimer();
    this.connected = true;
    this.target?.report?.('connected');
    const upstream = this.upstream!;
    const idle = this.env.config.idleTimeoutMs;
    // The upstream socket sees every byte both ways, so its inactivity timer is the connection's.
    if (idle > 0) {
      upstream.setTimeout(idle);
      upstream.once('timeout', this.onIdleTimeout);
    }
    this.downstream.pipe(upstream);
    upstream.pipe(this.downstream);
  };

  private readonly onConnectTimeout = (): void => {
    this.connectTimer = undefined;
    this.failConnect('connect_timeout');
  };

  private readonly onUpstreamError = (): void => {
    if (!this.connected) this.failConnect('connect_failure');
    else this.downstream.destroy();
  };

  private failConnect(outcome: 'connect_failure' | 'connect_timeout'): void {
    if (this.flags.includes(RESPONSE_FLAGS.UPSTREAM_CONNECTION_FAILURE)) return;
    this.clearConnectTimer();
    this.flags.push(RESPONSE_FLAGS.UPSTREAM_CONNECTION_FAILURE);
    this.target?.report?.(outcome);
    this.upstream?.destroy();
    this.downstream.destroy();
  }

  private readonly onIdleTimeout = (): void => {
    this.upstream?.destroy();
    this.downstream.destroy();
  };

  private readonly onDownstreamError = (): void => {
    this.upstream?.destroy();
  };

  private readonly onDownstreamClose = (): void => {
    this.downstreamClosed = true;
    // A clean close means both directions already ended; anything else aborts the other side.
    if (!(this.downstream.readableEnded && this.downstream.writableFinished)) this.upstream?.destroy();
    this.finish();
  };

  private readonly onUpstreamClose = (): void => {
    this.upstreamClosed = true;
    this.clearConnectTimer();
    const upstream = this.upstream!;
    if (!(upstream.readableEnded && upstream.writableFinished)) this.downstream.destroy();
    this.finish();
  };

  private clearConnectTimer(): void {
    if (this.connectTimer === undefined) return;
    this.env.timers.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private finish(): void {
    if (!this.downstreamClosed || !this.upstreamClosed || this.reported) return;
    this.reported = true;
    this.target?.release?.();
    this.publish('close');
  }

  private publish(phase: 'open' | 'close'): void {
    if (!tcpConnectionChannel.hasSubscribers) return;
    const { connection } = this.context;
    const peers = this.env.deps.peers?.(this.context) ?? UNKNOWN_PEERS;
    const event: TcpConnectionEvent = {
      reporter: this.env.deps.reporter,
      phase,
      startTime: this.startTime,
      durationMs: phase === 'open' ? 0 : this.env.now() - this.startTime,
      bytesReceived: this.upstream?.bytesWritten ?? 0,
      bytesSent: this.upstream?.bytesRead ?? 0,
      responseFlags: [...this.flags],
      upstreamCluster: this.cluster,
      upstreamHost: this.target ? `${this.target.address}:${this.target.port}` : undefined,
      downstreamRemoteAddress: `${connection.remoteAddress}:${connection.remotePort}`,
      downstreamLocalAddress: `${connection.localAddress}:${connection.localPort}`,
      requestedServerName: this.context.serverName,
      destinationService: this.target?.destinationService,
      source: peers.source,
      destination: peers.destination,
      connectionSecurityPolicy: peers.connectionSecurityPolicy,
    };
    tcpConnectionChannel.publish(event);
  }
}

// One live listener: its bound sockets, its current config version, the connections it accepted,
// and the path of a connection from accept through the listener filters to its filter chain.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../log/index.js';
import type { ConnectionContext, ConnectionHandler, SocketAddress, TerminateTls } from './connection-handler.js';
import { runListenerFilters, type ListenerFilterResult } from './listener-filters.js';
import type { ListenerVersion } from './listener-version.js';
import { readOriginalDestination, unmapIpv4, type OriginalDestinationReader } from './original-destination.js';
import type { Timers } from './timers.js';

/** An address to bind for a listener; `localIsDestination` marks explicit-inbound app ports. */
export interface BindSpec extends SocketAddress {
  readonly localIsDestination: boolean;
}

/** The peer and local addresses of a connection, wherever it came from. */
export interface ConnectionMeta {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
}

/** What every live listener shares, provided by the manager. */
export interface ListenerEnvironment {
  readonly originalDestination: OriginalDestinationReader;
  readonly timers: Timers;
  readonly logger: Logger;
  /** Another listener for a `use_original_dst` hand-off, or undefined. */
  findListener(destination: SocketAddress, except: ActiveListener): ActiveListener | undefined;
  /** Serves connections on a `use_original_dst` listener that were not redirected (explicit mode). */
  readonly explicitProxy: ConnectionHandler | undefined;
  /** Terminates TLS for chains with `tls`; without it they refuse connections. */
  readonly terminateTls: TerminateTls | undefined;
}

interface Bound {
  readonly server: net.Server;
  readonly spec: BindSpec;
  readonly port: number;
}

export class ActiveListener {
  version: ListenerVersion;
  private bound: Bound[] = [];
  private readonly connections = new Set<Duplex>();
  private drainWaiters: (() => void)[] = [];

  constructor(version: ListenerVersion, private readonly env: ListenerEnvironment) {
    this.version = version;
  }

  get name(): string {
    return this.version.config.name;
  }

  /** The port this listener answers for: the bound port of its own address, else the configured one. */
  get port(): number {
    return this.bound.find((b) => !b.spec.localIsDestination)?.port ?? this.version.config.port;
  }

  /** Binds every spec; on any failure closes what was bound and rejects with that error. */
  async bind(specs: readonly BindSpec[]): Promise<void> {
    const results = await Promise.allSettled(specs.map((spec) => this.listen(spec)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      this.stopAccepting();
      throw failure.reason;
    }
  }

  addresses(): { listener: string; address: string; port: number }[] {
    return this.bound.map((b) => ({ listener: this.name, address: b.spec.address, port: b.port }));
  }

  stopAccepting(): void {
    for (const b of this.bound) b.server.close();
    this.bound = [];
  }

  /** Stops accepting, waits for open connections to end, and destroys those left after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    this.stopAccepting();
    return this.settle(timeoutMs);
  }

  /** Waits for open connections to end, and destroys those left after `timeoutMs`; accepting goes on if it was on. */
  settle(timeoutMs: number): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.env.timers.setTimeout(() => this.destroyConnections(), timeoutMs);
      this.drainWaiters.push(() => {
        this.env.timers.clearTimeout(timer);
        resolve();
      });
    });
  }

  destroyConnections(): void {
    for (const socket of this.connections) socket.destroy();
  }

  /**
   * Runs this listener's filters on a connection and hands it to the chosen chain. Used for
   * accepted sockets and for connections handed over by another listener or the explicit proxy.
   */
  serve(socket: Duplex, meta: ConnectionMeta, originalDestination: SocketAddress | undefined): void {
    const version = this.version;
    runListenerFilters(socket, version.config, this.env.timers, (result) => {
      if (result) this.dispatch(socket, meta, originalDestination, result, version);
    });
  }

  private listen(spec: BindSpec): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: spec.address, port: spec.port }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.env.logger.error({ err, listener: this.name }, 'listener socket error'));
        const port = (server.address() as net.AddressInfo).port;
        const bound: Bound = { server, spec, port };
        this.bound.push(bound);
        server.on('connection', (socket) => this.accept(socket, bound));
        resolve();
      });
    });
  }

  private accept(socket: net.Socket, bound: Bound): void {
    this.connections.add(socket);
    socket.once('close', () => this.untrack(socket));
    socket.setNoDelay(true);
    const meta: ConnectionMeta = {
      remoteAddress: unmapIpv4(socket.remoteAddress ?? ''),
      remotePort: socket.remotePort ?? 0,
      localAddress: unmapIpv4(socket.localAddress ?? ''),
      localPort: socket.localPort ?? 0,
    };
    const config = this.version.config;
    let destination: SocketAddress | undefined;
    if (bound.spec.localIsDestination) destination = { address: meta.localAddress, port: meta.localPort };
    else if (config.useOriginalDst || config.listenerFilters.includes('original_dst')) {
      destination = readOriginalDestination(socket, this.env.originalDestination, config.address, this.port);
    }
    if (config.useOriginalDst) {
      const target = destination && this.env.findListener(destination, this);
      if (target) return target.serve(socket, meta, destination);
      if (!destination && this.env.explicitProxy) return this.handOver(this.env.explicitProxy, socket, this.context(meta, undefined, '', RAW_RESULT, this.version));
    }
    this.serve(socket, meta, destination);
  }

  private dispatch(socket: Duplex, meta: ConnectionMeta, destination: SocketAddress | undefined, result: ListenerFilterResult, version: ListenerVersion): void {
    const chain = version.selector.select({
      destinationAddress: destination?.address ?? meta.localAddress,
      destinationPort: destination?.port ?? meta.localPort,
      serverName: result.serverName,
      transportProtocol: result.transportProtocol,
      applicationProtocols: result.applicationProtocols,
      sourceAddress: meta.remoteAddress,
      sourcePort: meta.remotePort,
    });
    const handler = chain && version.handlers.get(chain);
    if (!chain || !handler) {
      this.env.logger.debug({ listener: version.config.name, remote: meta.remoteAddress }, 'no matching filter chain; closing');
      socket.destroy();
      return;
    }
    const context = this.context(meta, destination, chain.name, result, version);
    if (!chain.tls) return this.handOver(handler, socket, context);
    const terminate = this.env.terminateTls;
    if (!terminate) {
      this.env.logger.debug({ listener: version.config.name, chain: chain.name }, 'chain requires TLS and no terminator is set; closing');
      socket.destroy();
      return;
    }
    // The handshake completes before the handler starts, so the codec knows the negotiated ALPN.
    terminate(socket, chain, context, (secured) => {
      if (secured) this.handOver(handler, secured.socket, secured.context);
    });
  }

  private context(meta: ConnectionMeta, destination: SocketAddress | undefined, chainName: string, result: ListenerFilterResult, version: ListenerVersion): ConnectionContext {
    return {
      connection: {
        ...meta,
        destinationAddress: destination?.address ?? meta.localAddress,
        destinationPort: destination?.port ?? meta.localPort,
        tls: false,
        alpn: result.applicationProtocols[0],
      },
      listenerName: version.config.name,
      filterChainName: chainName,
      trafficDirection: version.config.trafficDirection,
      originalDestination: destination,
      serverName: result.serverName,
      transportProtocol: result.transportProtocol,
      applicationProtocols: result.applicationProtocols,
    };
  }

  private handOver(handler: ConnectionHandler, socket: Duplex, context: ConnectionContext): void {
    try {
      handler.handle(socket, context);
    } catch (err) {
      this.env.logger.error({ err, listener: context.listenerName, chain: context.filterChainName }, 'connection handler failed; closing the connection');
      socket.destroy();
    }
  }

  private untrack(socket: Duplex): void {
    this.connections.delete(socket);
    if (this.connections.size === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }
}

const RAW_RESULT: ListenerFilterResult = { transportProtocol: 'raw_buffer', serverName: undefined, applicationProtocols: [] };

// The contract between a listener and the network filter a filter chain ends in (the HTTP
// connection manager, the TCP proxy): a handler per chain and config version, fed connections.
import type { Duplex } from 'node:stream';
import type { FilterChainConfig, ListenerConfig } from '../config/listener.js';
import type { ConnectionInfo } from '../http/exchange.js';

/** An IP address and port. */
export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/** What the listener learned about a connection before handing it over. */
export interface ConnectionContext {
  /** Addresses; `destinationAddress`/`destinationPort` are the original destination when there is one. */
  readonly connection: ConnectionInfo;
  readonly listenerName: string;
  readonly filterChainName: string;
  readonly trafficDirection: ListenerConfig['trafficDirection'];
  /** The redirected connection's original destination; undefined when it was not redirected. */
  readonly originalDestination: SocketAddress | undefined;
  /** SNI of the ClientHello, when the TLS inspector ran and found one. */
  readonly serverName: string | undefined;
  readonly transportProtocol: 'tls' | 'raw_buffer';
  /** ALPN of the ClientHello, or the protocol the HTTP inspector sniffed. */
  readonly applicationProtocols: readonly string[];
}

/** Serves connections for one filter chain of one listener config version. */
export interface ConnectionHandler {
  /**
   * Takes over the connection: from here on the handler owns the socket and must close it. The
   * bytes the listener filters read were put back with `unshift`, so reading the socket (or
   * piping it) sees the connection from its first byte; the socket is paused.
   */
  handle(socket: Duplex, context: ConnectionContext): void;
  /** Called when no new connection will reach this handler (its config version was replaced). */
  retire?(): void;
}

/** A connection after its filter chain's TLS handshake: the clear-text side, and the context with `tls`, ALPN and the peer filled in. */
export interface SecuredConnection {
  readonly socket: Duplex;
  readonly context: ConnectionContext;
}

/**
 * Terminates TLS for a chain with `tls`. Calls `done` once, after the handshake: with the secured
 * connection, or with undefined when it was refused, in which case the socket is already destroyed.
 */
export type TerminateTls = (socket: Duplex, chain: FilterChainConfig, context: ConnectionContext, done: (secured: SecuredConnection | undefined) => void) => void;

/** Makes the handler of a filter chain's terminal network filter; called once per chain per config version. */
export interface NetworkFilterFactory {
  createHandler(chain: FilterChainConfig, listener: ListenerConfig): ConnectionHandler;
}

// The byte-reading listener filters (TLS inspector, HTTP inspector) on an accepted socket: read
// its first bytes, decide transport and application protocols, and put the bytes back.
import type { Duplex } from 'node:stream';
import type { ListenerConfig } from '../config/listener.js';
import { inspectHttp } from './http-inspector.js';
import type { Timers } from './timers.js';
import { parseClientHello } from './tls-client-hello.js';

/** What the listener filters learned about a connection. */
export interface ListenerFilterResult {
  readonly transportProtocol: 'tls' | 'raw_buffer';
  readonly serverName: string | undefined;
  readonly applicationProtocols: readonly string[];
}

const RAW: ListenerFilterResult = Object.freeze({ transportProtocol: 'raw_buffer', serverName: undefined, applicationProtocols: Object.freeze([]) });

/**
 * Runs the listener's inspectors on a fresh socket and calls `done` once with the result, or with
 * undefined when the connection is gone (closed, failed, or timed out without
 * `continueOnListenerFiltersTimeout`, in which case it was destroyed). The bytes read are put
 * back with `socket.unshift` and the socket is left paused, so whoever gets it next reads the
 * connection from its first byte once it calls `resume()` or `pipe()`. The original destination
 * is not read here: it needs no bytes (see original-destination.ts).
 */
export function runListenerFilters(socket: Duplex, listener: ListenerConfig, timers: Timers, done: (result: ListenerFilterResult | undefined) => void): void {
  const tls = listener.listenerFilters.includes('tls_inspector');
  const http = listener.listenerFilters.includes('http_inspector');
  if (!tls && !http) {
    done(RAW);
    return;
  }
  new Inspection(socket, listener, timers, tls, http, done).start();
}

class Inspection {
  private buffered: Buffer | undefined;
  private tlsDecided: boolean;
  private result: ListenerFilterResult = RAW;
  private timer: unknown;
  private finished = false;

  constructor(
    private readonly socket: Duplex,
    private readonly listener: ListenerConfig,
    private readonly timers: Timers,
    tls: boolean,
    private readonly http: boolean,
    private readonly done: (result: ListenerFilterResult | undefined) => void,
  ) {
    this.tlsDecided = !tls;
  }

  start(): void {
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onGone);
    this.socket.on('error', this.onGone);
    this.socket.on('close', this.onGone);
    if (this.listener.listenerFiltersTimeoutMs > 0) this.timer = this.timers.setTimeout(this.onTimeout, this.listener.listenerFiltersTimeoutMs);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.buffered = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    if (!this.tlsDecided) {
      const hello = parseClientHello(this.buffered);
      if (hello === 'need_more') return;
      this.tlsDecided = true;
      if (hello !== 'not_tls') {
        this.result = { transportProtocol: 'tls', serverName: hello.serverName, applicationProtocols: hello.alpn };
        return this.finish(true);
      }
    }
    if (!this.http) return this.finish(true);
    const sniffed = inspectHttp(this.buffered);
    if (sniffed === 'need_more') return;
    if (sniffed !== 'unknown') this.result = { transportProtocol: 'raw_buffer', serverName: undefined, applicationProtocols: [sniffed] };
    this.finish(true);
  };

  private readonly onTimeout = (): void => {
    this.timer = undefined;
    this.finish(this.listener.continueOnListenerFiltersTimeout);
  };

  /** The peer closed or the socket failed before the inspectors decided: the connection is dropped. */
  private readonly onGone = (): void => this.finish(false);

  private finish(proceed: boolean): void {
    if (this.finished) return;
    this.finished = true;
    const socket = this.socket;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    socket.pause();
    socket.off('data', this.onData);
    socket.off('end', this.onGone);
    socket.off('error', this.onGone);
    socket.off('close', this.onGone);
    if (!proceed) {
      socket.destroy();
      this.done(undefined);
      return;
    }
    if (this.buffered) socket.unshift(this.buffered);
    this.done(this.result);
  }
}

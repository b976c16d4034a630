// One upstream HTTP/2 connection in a client's pool: connects (plain or TLS with ALPN h2), learns
// the peer's stream limit, counts its streams, and notices GOAWAY and idleness.
import http2, { type ClientHttp2Session } from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import type { Http2Timers } from './timers.js';

/** How to reach the endpoint; the subset of the client's options a connection needs. */
export interface Http2ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly localAddress?: string;
  readonly tls?: tls.ConnectionOptions;
  readonly maxConcurrentStreams?: number;
  readonly initialWindowSize?: number;
}

/** What a connection tells its pool. */
export interface Http2SessionOwner {
  /** The peer's SETTINGS arrived: streams can be opened. */
  onSessionReady(session: Http2ClientSession): void;
  /** The connection is gone; `connectFailure` is set when it never became ready. */
  onSessionClosed(session: Http2ClientSession, connectFailure: 'connect_failure' | 'connect_timeout' | undefined, cause: Error | undefined): void;
  /** A GOAWAY arrived: no new streams go to this connection. */
  onSessionDraining(session: Http2ClientSession): void;
}

const kOwner = Symbol('heddle.http2.client-session');
type OwnedSession = ClientHttp2Session & { [kOwner]?: Http2ClientSession };

/** A pooled upstream connection. */
export class Http2ClientSession {
  readonly session: ClientHttp2Session;
  /** Set once the peer's first SETTINGS frame arrived. */
  ready = false;
  /** No new streams: GOAWAY received, idle-closed, or the pool is closing. */
  draining = false;
  /** Streams opened or reserved on this connection. */
  streams = 0;
  /** How many streams this connection may carry at once. */
  maxStreams = 0;
  private connectTimer: unknown;
  private idleTimer: unknown = undefined;
  private timedOut = false;
  private lastError: Error | undefined = undefined;

  constructor(
    private readonly options: Http2ConnectOptions,
    private readonly timers: Http2Timers,
    private readonly owner: Http2SessionOwner,
  ) {
    const secure = options.tls !== undefined;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    this.session = http2.connect(`${secure ? 'https' : 'http'}://${host}:${options.port}`, {
      createConnection: () => connectSocket(options),
      settings: { enablePush: false, initialWindowSize: options.initialWindowSize ?? 65535 },
    });
    (this.session as OwnedSession)[kOwner] = this;
    this.session.on('error', onError);
    this.session.on('remoteSettings', onRemoteSettings);
    this.session.on('goaway', onGoaway);
    this.session.once('close', onClose);
    this.connectTimer = timers.setTimeout(() => this.connectTimedOut(), options.connectTimeoutMs);
  }

  /** Whether one more stream fits now. */
  get available(): boolean {
    return this.ready && !this.draining && this.streams < this.maxStreams;
  }

  /** Counts a stream in; stops the idle timer. */
  reserve(): void {
    this.streams++;
    if (this.idleTimer !== undefined) {
      this.timers.clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  /** Counts a stream out; starts the idle timer when none is left. */
  release(idleTimeoutMs: number): void {
    this.streams--;
    if (this.streams > 0 || this.idleTimer !== undefined || idleTimeoutMs <= 0 || this.session.closed) return;
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.streams === 0) this.close();
    }, idleTimeoutMs);
  }

  /** Graceful close: open streams finish first. */
  close(): void {
    this.draining = true;
    if (!this.session.closed) this.session.close();
  }

  /** @internal */
  settingsReceived(): void {
    const peer = this.session.remoteSettings.maxConcurrentStreams ?? 100;
    this.maxStreams = Math.min(peer, this.options.maxConcurrentStreams ?? Number.MAX_SAFE_INTEGER);
    if (this.ready) return;
    this.ready = true;
    this.timers.clearTimeout(this.connectTimer);
    this.owner.onSessionReady(this);
  }

  /** @internal */
  goaway(): void {
    if (this.draining) return;
    this.draining = true;
    this.owner.onSessionDraining(this);
  }

  /** @internal */
  errored(err: Error): void {
    this.lastError = err;
  }

  /** @internal */
  closed(): void {
    this.draining = true;
    this.timers.clearTimeout(this.connectTimer);
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    const failure = this.ready ? undefined : this.timedOut ? 'connect_timeout' : 'connect_failure';
    this.owner.onSessionClosed(this, failure, this.lastError);
  }

  private connectTimedOut(): void {
    if (this.ready) return;
    this.timedOut = true;
    this.session.destroy();
  }
}

function connectSocket(options: Http2ConnectOptions): net.Socket {
  const socket = net.connect({ host: options.host, port: options.port, localAddress: options.localAddress });
  socket.setNoDelay(true);
  if (options.tls === undefined) return socket;
  return tls.connect({
    servername: net.isIP(options.host) === 0 ? options.host : undefined,
    ...options.tls,
    socket,
    ALPNProtocols: options.tls.ALPNProtocols ?? ['h2'],
  });
}

function onError(this: OwnedSession, err: Error): void {
  this[kOwner]?.errored(err);
}

function onRemoteSettings(this: OwnedSession): void {
  this[kOwner]?.settingsReceived();
}

function onGoaway(this: OwnedSession): void {
  this[kOwner]?.goaway();
}

function onClose(this: OwnedSession): void {
  this[kOwner]?.closed();
}

// The downstream HTTP/2 codec: takes over an accepted socket (h2c prior knowledge, or TLS after
// ALPN h2) and turns each stream into a DownstreamExchange.
import http2, { type Http2Server, type ServerHttp2Session, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import { decodeHttp2RequestHead } from './header-translate.js';
import { Http2ServerExchange, type Http2ExchangeOwner } from './server-exchange.js';
import { flatten } from './stream-body.js';
import { SYSTEM_TIMERS, type Http2Timers } from './timers.js';

export interface Http2ServerOptions {
  /** Called once per stream with a decoded request head. */
  onExchange(exchange: DownstreamExchange): void;
  /** SETTINGS_MAX_CONCURRENT_STREAMS we announce; more are refused with REFUSED_STREAM. Default 100. */
  readonly maxConcurrentStreams?: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE we announce, per stream. Default 65535. */
  readonly initialWindowSize?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE. Default 60 KiB (Envoy's max_request_headers_kb). */
  readonly maxHeaderListSize?: number;
  /** Close (GOAWAY) after this long with no open stream; 0 or absent means never. */
  readonly idleTimeoutMs?: number;
  readonly timers?: Http2Timers;
}

/** A live downstream HTTP/2 connection. */
export interface Http2ServerSession {
  /** Streams open now. */
  readonly activeStreams: number;
  /** Graceful close: GOAWAY, the open streams finish, then the socket closes. */
  close(): void;
  /** Closes the socket now; open streams are aborted. */
  destroy(): void;
  /** `fn` runs once when the connection has closed. */
  onClose(fn: () => void): void;
}

/**
 * Starts HTTP/2 on an accepted connection. The socket must be positioned at the client preface
 * (a sniffer that read bytes unshifts them first); a TLSSocket must have finished its handshake.
 * Every socket kind goes to one non-listening plain `http2.createServer()` per settings through
 * `emit('connection')`: TLS is already terminated by the listener, and node:http2 wraps a
 * non-native Duplex itself.
 */
export function createHttp2ServerSession(socket: net.Socket | tls.TLSSocket | Duplex, info: ConnectionInfo, options: Http2ServerOptions): Http2ServerSession {
  const server = sharedServer(options);
  server.emit('connection', socket);
  const session = lastSession;
  lastSession = undefined;
  if (session === undefined) throw new Error('node:http2 did not create a session for the socket');
  return new ServerSessionContext(session, info, options);
}

const kContext = Symbol('heddle.http2.server-session');
type ContextSession = ServerHttp2Session & { [kContext]?: ServerSessionContext };

class ServerSessionContext implements Http2ServerSession, Http2ExchangeOwner {
  activeStreams = 0;
  private idleTimer: unknown = undefined;
  private closeFns: (() => void)[] = [];
  private readonly timers: Http2Timers;
  private readonly idleTimeoutMs: number;

  constructor(
    readonly session: ServerHttp2Session,
    readonly info: ConnectionInfo,
    readonly options: Http2ServerOptions,
  ) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 0;
    (session as ContextSession)[kContext] = this;
    session.on('stream', onSessionStream);
    session.on('error', onSessionError);
    session.once('close', onSessionClose);
    this.armIdle();
  }

  close(): void {
    if (!this.session.closed) this.session.close();
  }

  destroy(): void {
    if (!this.session.destroyed) this.session.destroy();
  }

  onClose(fn: () => void): void {
    if (this.session.destroyed) fn();
    else this.closeFns.push(fn);
  }

  opened(): void {
    this.activeStreams++;
    if (this.idleTimer !== undefined) {
      this.timers.clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  onExchangeClosed(_exchange: Http2ServerExchange): void {
    this.activeStreams--;
    this.armIdle();
  }

  sessionClosed(): void {
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const fns = this.closeFns;
    this.closeFns = [];
    for (const fn of fns) fn();
  }

  private armIdle(): void {
    if (this.idleTimeoutMs <= 0 || this.activeStreams > 0 || this.session.closed) return;
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.activeStreams === 0) this.close();
    }, this.idleTimeoutMs);
  }
}

function onSessionStream(this: ContextSession, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, raw?: string[]): void {
  const ctx = this[kContext]!;
  const block = raw ?? flatten(headers);
  const decoded = decodeHttp2RequestHead(block);
  if (!decoded.ok) {
    // A malformed request gets 400 and the connection stays up.
    stream.on('error', ignore);
    stream.respond({ ':status': 400 }, { endStream: true });
    return;
  }
  ctx.opened();
  const endStream = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
  const exchange = new Http2ServerExchange(stream, decoded.value, ctx.info, headBlockBytes(block), endStream, ctx);
  ctx.options.onExchange(exchange);
}

/** The uncompressed size of a header block: names and values, as HPACK accounts for them (RFC 7541 §4.1). */
function headBlockBytes(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i++) n += raw[i]!.length;
  return n + 16 * raw.length;
}

function onSessionError(this: ContextSession): void {
  // The session is destroyed by node:http2 after an error; its streams report the abort.
}

function onSessionClose(this: ContextSession): void {
  this[kContext]?.sessionClosed();
}

function ignore(): void {}

let lastSession: ServerHttp2Session | undefined;
const servers = new Map<string, Http2Server>();

/** One non-listening server per distinct settings; it only builds sessions for handed-over sockets. */
function sharedServer(options: Http2ServerOptions): Http2Server {
  const settings: http2.Settings = {
    maxConcurrentStreams: options.maxConcurrentStreams ?? 100,
    initialWindowSize: options.initialWindowSize ?? 65535,
    maxHeaderListSize: options.maxHeaderListSize ?? 60 * 1024,
    enablePush: false,
  };
  const key = `${settings.maxConcurrentStreams}/${settings.initialWindowSize}/${settings.maxHeaderListSize}`;
  let server = servers.get(key);
  if (server === undefined) {
    server = http2.createServer({ settings });
    server.on('session', (session: ServerHttp2Session) => {
      lastSession = session;
    });
    servers.set(key, server);
  }
  return server;
}

// The upstream HTTP/2 codec for one endpoint: multiplexes requests as streams over as few
// connections as the peer's stream limit allows, and reports failures as UpstreamErrors.
import type tls from 'node:tls';
import type { RequestHead } from '../http/message.js';
import type { UpstreamClient, UpstreamFailure, UpstreamRequest, UpstreamResponseHandler } from '../http/exchange.js';
import { Http2ClientSession, type Http2SessionOwner } from './client-session.js';
import { Http2UpstreamRequest, type Http2RequestOwner } from './client-request.js';
import { SYSTEM_TIMERS, type Http2Timers } from './timers.js';

export interface Http2ClientOptions {
  readonly host: string;
  readonly port: number;
  /** Time allowed to connect (TCP, TLS, and the peer's SETTINGS). */
  readonly connectTimeoutMs: number;
  /** Source address (127.0.0.6 for inbound, as Istio binds). */
  readonly localAddress?: string;
  /** TLS to the endpoint; ALPN is `tls.ALPNProtocols` (e.g. istio-h2, h2 in the mesh), h2 when unset. */
  readonly tls?: tls.ConnectionOptions;
  /** Our own cap on streams per connection, below the peer's SETTINGS_MAX_CONCURRENT_STREAMS. */
  readonly maxConcurrentStreams?: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE we announce for response bodies. Default 65535. */
  readonly initialWindowSize?: number;
  /** Close a connection after this long without streams; 0 means never. Default 1 hour (Envoy's). */
  readonly idleTimeoutMs?: number;
  readonly timers?: Http2Timers;
}

/**
 * Creates the HTTP/2 client for one endpoint. Requests wait (`pending`) until a connection has
 * the peer's SETTINGS and a free stream; a second connection opens when the first is full or
 * draining after GOAWAY. Failures reach `handler.onError`: connect_failure, connect_timeout,
 * refused_stream (REFUSED_STREAM, or not processed before a GOAWAY), reset_before_response,
 * reset_after_response (the response body's sink is aborted too).
 */
export function createHttp2Client(options: Http2ClientOptions): UpstreamClient {
  return new Http2Client(options);
}

class Http2Client implements UpstreamClient, Http2SessionOwner, Http2RequestOwner {
  active = 0;
  private readonly sessions: Http2ClientSession[] = [];
  private queue: Http2UpstreamRequest[] = [];
  private shut = false;
  private readonly timers: Http2Timers;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: Http2ClientOptions) {
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 3_600_000;
  }

  get connections(): number {
    return this.sessions.length;
  }

  get pending(): number {
    return this.queue.length;
  }

  request(head: RequestHead, handler: UpstreamResponseHandler): UpstreamRequest {
    const request = new Http2UpstreamRequest(head, handler, this);
    if (this.shut) {
      process.nextTick(failClosed, request);
      return request;
    }
    const session = this.pick();
    if (session !== undefined) this.assign(request, session);
    else {
      this.queue.push(request);
      this.connectIfNeeded();
    }
    return request;
  }

  close(): void {
    this.shut = true;
    for (const session of this.sessions) session.close();
    this.failQueued('connect_failure', new Error('upstream client closed'));
  }

  onSessionReady(_session: Http2ClientSession): void {
    this.dispatch();
  }

  onSessionDraining(_session: Http2ClientSession): void {
    if (this.queue.length > 0) this.connectIfNeeded();
  }

  onSessionClosed(session: Http2ClientSession, connectFailure: UpstreamFailure | undefined, cause: Error | undefined): void {
    const i = this.sessions.indexOf(session);
    if (i >= 0) this.sessions.splice(i, 1);
    if (connectFailure !== undefined) this.failQueued(connectFailure, cause);
    else this.dispatch();
  }

  onRequestDone(request: Http2UpstreamRequest): void {
    const session = request.session;
    if (session === undefined) {
      const i = this.queue.indexOf(request);
      if (i >= 0) this.queue.splice(i, 1);
      return;
    }
    this.active--;
    session.release(this.idleTimeoutMs);
    if (this.queue.length > 0) this.dispatch();
  }

  private pick(): Http2ClientSession | undefined {
    for (const session of this.sessions) if (session.available) return session;
    return undefined;
  }

  private assign(request: Http2UpstreamRequest, session: Http2ClientSession): void {
    this.active++;
    request.assign(session);
  }

  /** Moves waiting requests onto connections with room, and opens one more if some still wait. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const session = this.pick();
      if (session === undefined) {
        this.connectIfNeeded();
        return;
      }
      this.assign(this.queue.shift()!, session);
    }
  }

  private connectIfNeeded(): void {
    if (this.shut) return;
    for (const session of this.sessions) if (!session.ready && !session.draining) return;
    this.sessions.push(new Http2ClientSession(this.options, this.timers, this));
  }

  private failQueued(failure: UpstreamFailure, cause: Error | undefined): void {
    const queued = this.queue;
    this.queue = [];
    for (const request of queued) request.failBeforeStart(failure, cause);
  }
}

function failClosed(request: Http2UpstreamRequest): void {
  request.failBeforeStart('connect_failure', new Error('upstream client closed'));
}

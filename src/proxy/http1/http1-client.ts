// The client side of the HTTP/1.1 codec: an UpstreamClient for one endpoint with a keep-alive pool
// of connections, each carrying one request at a time, reused last-in first-out.
import type tls from 'node:tls';
import type { RequestHead } from '../http/message.js';
import type { UpstreamClient, UpstreamRequest, UpstreamResponseHandler } from '../http/exchange.js';
import { Http1ClientConnection, type ClientConnectionConfig, type ConnectionPool } from './http1-client-connection.js';
import { Http1ClientStream, type StreamOwner } from './http1-client-stream.js';
import { SYSTEM_TIMERS, type Http1Timers } from './http1-timers.js';

/** Options of the client for one upstream endpoint. */
export interface Http1ClientOptions {
  readonly host: string;
  readonly port: number;
  /** Connect timeout (the cluster's connect_timeout). */
  readonly connectTimeoutMs: number;
  /** Source address to bind (127.0.0.6 for inbound forwarding). */
  readonly localAddress?: string;
  /** Requests per connection before it is closed; unlimited by default. */
  readonly maxRequestsPerConnection?: number;
  /** Idle pooled connections close after this; 0 disables; default 1 h. */
  readonly idleTimeoutMs?: number;
  /** TLS to the upstream (servername, ALPN, certificates); plaintext when absent. */
  readonly tls?: tls.ConnectionOptions;
  /** Largest response head accepted; 60 KiB by default. */
  readonly maxHeadBytes?: number;
  readonly timers?: Http1Timers;
}

class Http1Client implements UpstreamClient, ConnectionPool, StreamOwner {
  private readonly idleConns: Http1ClientConnection[] = [];
  private readonly config: ClientConnectionConfig;
  private readonly maxRequests: number;
  private readonly idleTimeoutMs: number;
  private open = 0;
  private waiting = 0;
  private inFlight = 0;
  private closing = false;

  constructor(options: Http1ClientOptions) {
    if (!Number.isInteger(options.port) || options.port <= 0 || options.port > 65535) throw new RangeError('Http1ClientOptions.port is not a valid port');
    if (options.host === '') throw new RangeError('Http1ClientOptions.host is empty');
    this.config = {
      host: options.host,
      port: options.port,
      connectTimeoutMs: options.connectTimeoutMs,
      localAddress: options.localAddress,
      tls: options.tls,
      maxHeadBytes: options.maxHeadBytes ?? 60 * 1024,
      timers: options.timers ?? SYSTEM_TIMERS,
    };
    this.maxRequests = options.maxRequestsPerConnection ?? 0;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 3_600_000;
  }

  get connections(): number {
    return this.open;
  }

  get pending(): number {
    return this.waiting;
  }

  get active(): number {
    return this.inFlight;
  }

  request(head: RequestHead, handler: UpstreamResponseHandler, bodyEnding = false): UpstreamRequest {
    const stream = new Http1ClientStream(head, handler, this, bodyEnding);
    const idle = this.idleConns;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      if (conn.idle) {
        conn.poolState = 'active';
        this.inFlight++;
        conn.start(stream);
        return stream;
      }
    }
    const conn = new Http1ClientConnection(this.config, this);
    this.open++;
    this.waiting++;
    conn.reserve(stream);
    return stream;
  }

  close(): void {
    this.closing = true;
    for (const conn of this.idleConns.splice(0)) conn.destroy();
  }

  dequeue(stream: Http1ClientStream): void {
    // The stream's connection is still connecting; it joins the pool once connected.
    void stream;
  }

  onConnected(conn: Http1ClientConnection): void {
    this.waiting--;
    const stream = conn.stream;
    conn.stream = undefined;
    if (stream !== undefined && !stream.done) {
      conn.poolState = 'active';
      this.inFlight++;
      conn.start(stream);
    } else {
      this.toIdle(conn);
    }
  }

  onStreamDone(conn: Http1ClientConnection, _stream: Http1ClientStream, reusable: boolean): void {
    this.inFlight--;
    conn.poolState = 'idle';
    if (reusable && !this.closing && (this.maxRequests === 0 || conn.served < this.maxRequests)) this.toIdle(conn);
    else conn.destroy();
  }

  onClosed(conn: Http1ClientConnection): void {
    const was = conn.poolState;
    if (was === 'gone') return;
    conn.poolState = 'gone';
    this.open--;
    if (was === 'connecting') this.waiting--;
    else if (was === 'active') this.inFlight--;
    const i = this.idleConns.lastIndexOf(conn);
    if (i >= 0) this.idleConns.splice(i, 1);
  }

  private toIdle(conn: Http1ClientConnection): void {
    conn.poolState = 'idle';
    if (this.closing) {
      conn.destroy();
      return;
    }
    conn.closeWhenIdleFor(this.idleTimeoutMs);
    this.idleConns.push(conn);
  }
}

/**
 * A client for one upstream endpoint. Each request takes the most recently idled connection or
 * opens a new one (circuit breaking is the caller's, from `connections`, `pending`, `active`).
 * Failures reach `handler.onError` as UpstreamError: connect_failure, connect_timeout,
 * reset_before_response (closed or reset before the response head; retryable),
 * reset_after_response (the response body source is aborted too) and protocol_error.
 */
export function createHttp1Client(options: Http1ClientOptions): UpstreamClient {
  return new Http1Client(options);
}

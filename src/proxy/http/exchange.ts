// The contracts between the codecs and the connection manager: a downstream exchange (one request
// and its response) and an upstream client that sends requests to one endpoint.
import type { Duplex } from 'node:stream';
import type { BodySink, BodySource } from './body.js';
import type { RequestHead, ResponseHead } from './message.js';

/** The downstream connection an exchange arrived on. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The original destination (SO_ORIGINAL_DST, or the explicit-mode target). */
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly tls: boolean;
  /** Negotiated or sniffed application protocol. */
  readonly alpn?: string;
  /** The verified client certificate of a downstream TLS connection, when one was presented. */
  readonly peerCertificate?: PeerCertificate;
  /** This proxy's own SPIFFE ID on a downstream TLS connection (the `By=` of x-forwarded-client-cert). */
  readonly localPrincipal?: string;
}

/** What policy and headers need of a verified peer certificate. */
export interface PeerCertificate {
  /** The SPIFFE ID (first `spiffe://` URI SAN), e.g. `spiffe://cluster.local/ns/default/sa/sleep`. */
  readonly principal?: string;
  /** Every URI SAN. */
  readonly uriSans: readonly string[];
  /** Every DNS SAN. */
  readonly dnsSans: readonly string[];
  /** The subject as an RFC 2253 string; empty when the certificate has none. */
  readonly subject: string;
  /** SHA-256 of the DER certificate, lowercase hex. */
  readonly sha256: string;
}

/** One request/response exchange on a downstream connection, as a codec hands it over. */
export interface DownstreamExchange {
  readonly head: RequestHead;
  readonly body: BodySource;
  readonly connection: ConnectionInfo;
  /** Bytes of the request head as received (for `istio_request_bytes`). */
  readonly headBytes: number;
  /**
   * Sends the response head. The body follows through the returned sink, unless `endStream` is
   * set. Calling it twice is a bug and throws.
   */
  respond(head: ResponseHead, endStream: boolean): BodySink;
  /** Whether `respond` was called. */
  readonly responded: boolean;
  /** Abandons the exchange: RST_STREAM on HTTP/2, closing the connection on HTTP/1.1. */
  reset(): void;
  /** `fn` runs if the downstream goes away before the response is complete (flag DC). */
  onAbort(fn: (err: Error) => void): void;
  /** The upgraded socket for a WebSocket or CONNECT exchange, after a 101 or 200 response. */
  upgrade?(): Duplex;
}

/** Why an upstream request failed; these map to retry_on conditions and response flags. */
export type UpstreamFailure =
  | 'connect_failure' // UF, retry_on connect-failure
  | 'connect_timeout' // UF
  | 'reset_before_response' // UC/URX, retry_on reset
  | 'refused_stream' // retry_on refused-stream
  | 'reset_after_response' // UPE
  | 'protocol_error'; // UPE

export class UpstreamError extends Error {
  constructor(readonly failure: UpstreamFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/** What the upstream side reports back for one request. */
export interface UpstreamResponseHandler {
  onResponse(head: ResponseHead, body: BodySource): void;
  /** The request failed before a response head arrived, or the response broke off. */
  onError(err: UpstreamError): void;
  /**
   * The upstream accepted an upgrade (101, or 2xx to CONNECT): the socket leaves the pool and is
   * handed over, paused, with any bytes read past the head put back. Without this member such a
   * response is a protocol_error.
   */
  onUpgrade?(head: ResponseHead, socket: Duplex): void;
}

/** A request in flight to an upstream; its body is written through `body`. */
export interface UpstreamRequest {
  readonly body: BodySink;
  /** Cancels the request (per-try timeout, downstream gone): the connection is not reused. */
  cancel(): void;
}

/** Sends requests to one endpoint over pooled connections (HTTP/1.1 keep-alive or HTTP/2 streams). */
export interface UpstreamClient {
  /**
   * Starts a request. `bodyEnding` is a promise from the caller that it calls `body.end()` before
   * returning to the event loop (a request without a body): the client then need not wait a tick
   * to learn whether the body's length is known. Clients may ignore it.
   */
  request(head: RequestHead, handler: UpstreamResponseHandler, bodyEnding?: boolean): UpstreamRequest;
  /** Open connections, for circuit breaking and /clusters. */
  readonly connections: number;
  /** Requests waiting for a connection. */
  readonly pending: number;
  /** Requests in flight. */
  readonly active: number;
  /** Closes idle connections now and the rest when their requests finish. */
  close(): void;
}

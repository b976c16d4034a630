// The data path's telemetry events, published on node:diagnostics_channel. Metrics and access logs
// subscribe; when nobody listens, publishing costs a `hasSubscribers` check.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ResponseFlag } from './response-flags.js';

/** Which side of the exchange reported: the client's sidecar (`source`) or the server's (`destination`). */
export type Reporter = 'source' | 'destination';

/** Workload identity as Istio's metrics label it; empty strings for unknown. */
export interface PeerWorkload {
  readonly workload: string;
  readonly namespace: string;
  readonly principal: string;
  readonly app: string;
  readonly version: string;
  readonly canonicalService: string;
  readonly canonicalRevision: string;
  readonly cluster: string;
}

/** One HTTP request, as completed (or abandoned) by the connection manager. */
export interface HttpRequestEvent {
  readonly reporter: Reporter;
  readonly startTime: number; // epoch ms
  readonly durationMs: number;
  /** Time from sending the request upstream to the first response byte; undefined when none. */
  readonly upstreamServiceTimeMs: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly protocol: string; // HTTP/1.1, HTTP/2
  readonly requestProtocol: 'http' | 'grpc';
  readonly responseCode: number; // 0 when no response was sent
  readonly grpcStatus: string | undefined;
  readonly responseFlags: readonly ResponseFlag[];
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly requestId: string;
  readonly userAgent: string | undefined;
  readonly forwardedFor: string | undefined;
  readonly routeName: string | undefined;
  readonly upstreamCluster: string | undefined;
  readonly upstreamHost: string | undefined; // address:port
  readonly downstreamRemoteAddress: string; // address:port
  readonly downstreamLocalAddress: string; // address:port
  readonly requestedServerName: string | undefined;
  /** The destination service host (from the cluster's Istio metadata), for `destination_service`. */
  readonly destinationService: string | undefined;
  readonly source: PeerWorkload;
  readonly destination: PeerWorkload;
  readonly connectionSecurityPolicy: 'mutual_tls' | 'none' | 'unknown';
  readonly upstreamTransportFailureReason: string | undefined;
}

/** One TCP connection proxied by the TCP proxy, reported when it opens and when it closes. */
export interface TcpConnectionEvent {
  readonly reporter: Reporter;
  readonly phase: 'open' | 'close';
  readonly startTime: number;
  readonly durationMs: number;
  readonly bytesReceived: number; // from downstream
  readonly bytesSent: number; // to downstream
  readonly responseFlags: readonly ResponseFlag[];
  readonly upstreamCluster: string | undefined;
  readonly upstreamHost: string | undefined;
  readonly downstreamRemoteAddress: string;
  readonly downstreamLocalAddress: string;
  readonly requestedServerName: string | undefined;
  readonly destinationService: string | undefined;
  readonly source: PeerWorkload;
  readonly destination: PeerWorkload;
  readonly connectionSecurityPolicy: 'mutual_tls' | 'none' | 'unknown';
}

/** Published once per HTTP request, when its response has finished or it was abandoned. */
export const httpRequestChannel = diagnosticsChannel.channel('heddle:proxy:http-request');

/** Published when a proxied TCP connection opens and when it closes. */
export const tcpConnectionChannel = diagnosticsChannel.channel('heddle:proxy:tcp-connection');

/** The empty workload, for a peer the proxy knows nothing about. */
export const UNKNOWN_PEER: PeerWorkload = Object.freeze({
  workload: '',
  namespace: '',
  principal: '',
  app: '',
  version: '',
  canonicalService: '',
  canonicalRevision: '',
  cluster: '',
});

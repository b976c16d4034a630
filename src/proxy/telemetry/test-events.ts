// Telemetry events with plausible values, for the tests of the metrics and the access log.
import type { HttpRequestEvent, PeerWorkload, TcpConnectionEvent } from './events.js';

/** The productpage workload, as a decoded peer. */
export const PRODUCTPAGE: PeerWorkload = Object.freeze({
  workload: 'productpage-v1',
  namespace: 'default',
  principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage',
  app: 'productpage',
  version: 'v1',
  canonicalService: 'productpage',
  canonicalRevision: 'v1',
  cluster: 'Kubernetes',
});

/** The reviews workload, as a decoded peer. */
export const REVIEWS: PeerWorkload = Object.freeze({
  workload: 'reviews-v2',
  namespace: 'default',
  principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews',
  app: 'reviews',
  version: 'v2',
  canonicalService: 'reviews',
  canonicalRevision: 'v2',
  cluster: 'Kubernetes',
});

/** An inbound HTTP request from productpage to reviews, with `overrides` applied. */
export function httpEvent(overrides: Partial<HttpRequestEvent> = {}): HttpRequestEvent {
  return {
    reporter: 'destination',
    startTime: Date.UTC(2026, 10, 28, 12, 0, 0, 250),
    durationMs: 7,
    upstreamServiceTimeMs: 5,
    method: 'GET',
    path: '/reviews/0',
    authority: 'reviews:9080',
    protocol: 'HTTP/1.1',
    requestProtocol: 'http',
    responseCode: 200,
    grpcStatus: undefined,
    responseFlags: [],
    requestBytes: 0,
    responseBytes: 358,
    requestId: '7c1c6b2e-0000-4000-8000-000000000001',
    userAgent: 'curl/8.5.0',
    forwardedFor: '10.0.0.5',
    routeName: 'default',
    upstreamCluster: 'inbound|9080||',
    upstreamHost: '127.0.0.1:9080',
    downstreamRemoteAddress: '10.0.0.5:51234',
    downstreamLocalAddress: '10.0.0.7:9080',
    requestedServerName: 'outbound_.9080_._.reviews.default.svc.cluster.local',
    destinationService: 'reviews.default.svc.cluster.local',
    source: PRODUCTPAGE,
    destination: REVIEWS,
    connectionSecurityPolicy: 'mutual_tls',
    upstreamTransportFailureReason: undefined,
    ...overrides,
  };
}

/** An inbound TCP connection from productpage to a database, with `overrides` applied. */
export function tcpEvent(overrides: Partial<TcpConnectionEvent> = {}): TcpConnectionEvent {
  return {
    reporter: 'destination',
    phase: 'open',
    startTime: Date.UTC(2026, 10, 28, 12, 0, 1, 0),
    durationMs: 0,
    bytesReceived: 0,
    bytesSent: 0,
    responseFlags: [],
    upstreamCluster: 'inbound|27017||',
    upstreamHost: '127.0.0.1:27017',
    downstreamRemoteAddress: '10.0.0.5:40000',
    downstreamLocalAddress: '10.0.0.9:27017',
    requestedServerName: undefined,
    destinationService: 'mongodb.default.svc.cluster.local',
    source: PRODUCTPAGE,
    destination: REVIEWS,
    connectionSecurityPolicy: 'none',
    ...overrides,
  };
}

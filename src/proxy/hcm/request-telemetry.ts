// Turns a finished stream into the `heddle:proxy:http-request` event that metrics and access logs
// read. Nothing is built when nobody subscribes.
import type { ConnectionInfo } from '../http/exchange.js';
import { httpRequestChannel, UNKNOWN_PEER, type HttpRequestEvent, type PeerWorkload } from '../telemetry/events.js';
import type { ActiveStream } from './active-stream.js';

/** Istio's endpoint `workload` metadata: `name;namespace;canonical service;revision;cluster`. */
function peerFromWorkloadMetadata(value: string | undefined): PeerWorkload | undefined {
  if (!value) return undefined;
  const [workload = '', namespace = '', canonicalService = '', canonicalRevision = '', cluster = ''] = value.split(';');
  return { workload, namespace, principal: '', app: canonicalService, version: canonicalRevision, canonicalService, canonicalRevision, cluster };
}

const withPrincipals = new WeakMap<PeerWorkload, Map<string, PeerWorkload>>();

/** `peer` with its principal set to `principal`, when there is one; one object per pair, not per request. */
function withPrincipal(peer: PeerWorkload, principal: string | undefined): PeerWorkload {
  if (!principal || principal === peer.principal) return peer;
  let byPrincipal = withPrincipals.get(peer);
  if (!byPrincipal) withPrincipals.set(peer, (byPrincipal = new Map()));
  let out = byPrincipal.get(principal);
  if (!out) byPrincipal.set(principal, (out = { ...peer, principal }));
  return out;
}

/** A connection's `address:port` pair as the access log prints them. */
interface ConnectionAddresses {
  readonly remote: string;
  readonly local: string;
}

const addressesByConnection = new WeakMap<ConnectionInfo, ConnectionAddresses>();

/** Built once per connection, not per request. */
function addressesOf(conn: ConnectionInfo): ConnectionAddresses {
  let a = addressesByConnection.get(conn);
  if (a === undefined) {
    a = { remote: `${conn.remoteAddress}:${conn.remotePort}`, local: `${conn.localAddress}:${conn.localPort}` };
    addressesByConnection.set(conn, a);
  }
  return a;
}

/** Publishes the stream's request event, if anyone listens. */
export function publishRequest(stream: ActiveStream): void {
  if (!httpRequestChannel.hasSubscribers) return;
  const { exchange, config } = stream;
  const head = exchange.head;
  const conn = exchange.connection;
  const inbound = config.direction === 'inbound';
  const self = config.identity.self;
  const remote = stream.peer ?? (inbound ? undefined : peerFromWorkloadMetadata(stream.host?.workload)) ?? UNKNOWN_PEER;
  const contentType = head.headers.get('content-type');
  const addresses = addressesOf(conn);
  const event: HttpRequestEvent = {
    reporter: inbound ? 'destination' : 'source',
    startTime: stream.startTime,
    durationMs: config.clock.now() - stream.startTime,
    upstreamServiceTimeMs: stream.upstreamServiceTimeMs,
    method: head.method,
    path: head.headers.get('x-envoy-original-path') ?? head.path,
    authority: head.authority,
    protocol: head.protocol,
    requestProtocol: contentType !== undefined && contentType.startsWith('application/grpc') ? 'grpc' : 'http',
    responseCode: stream.responseCode,
    grpcStatus: stream.grpcStatus,
    responseFlags: stream.flags,
    requestBytes: exchange.headBytes + stream.relay.bytes,
    responseBytes: stream.responseBytes,
    requestId: head.headers.get('x-request-id') ?? '',
    userAgent: head.headers.get('user-agent'),
    forwardedFor: head.headers.get('x-forwarded-for'),
    routeName: stream.route?.name,
    upstreamCluster: stream.router?.upstreamCluster,
    upstreamHost: stream.router?.upstreamHost,
    downstreamRemoteAddress: addresses.remote,
    downstreamLocalAddress: addresses.local,
    requestedServerName: undefined,
    destinationService: stream.cluster?.config.serviceHost ?? (inbound ? undefined : head.authority),
    // Over mTLS the destination knows both identities for certain: the peer's from its verified
    // certificate, its own from the certificate it served.
    source: inbound ? withPrincipal(remote, conn.peerCertificate?.principal) : self,
    destination: inbound ? withPrincipal(self, conn.localPrincipal) : remote,
    // Istio's rule: the destination reports mutual_tls for a verified client certificate; the source does not know.
    connectionSecurityPolicy: inbound ? (conn.peerCertificate ? 'mutual_tls' : 'none') : 'unknown',
    upstreamTransportFailureReason: undefined,
  };
  httpRequestChannel.publish(event);
}

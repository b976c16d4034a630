// The label names and values of Istio's standard metrics, filled from one telemetry event.
import type { HttpRequestEvent, PeerWorkload, TcpConnectionEvent } from './events.js';
import { formatResponseFlags } from './response-flags.js';

/** Istio prints this for any identity it does not know. */
export const UNKNOWN = 'unknown';
/** Istio's canonical revision when a workload has none. */
export const LATEST = 'latest';

const PEER_LABELS = ['workload', 'workload_namespace', 'principal', 'app', 'version', 'canonical_service', 'canonical_revision', 'cluster'];

/** The labels of the `istio_tcp_*` metrics, in the order {@link tcpLabelValues} fills them. */
export const TCP_LABEL_NAMES: readonly string[] = [
  'reporter',
  ...PEER_LABELS.map((l) => `source_${l}`),
  ...PEER_LABELS.map((l) => `destination_${l}`),
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'request_protocol',
  'response_flags',
  'connection_security_policy',
];

/** The labels of the HTTP metrics: the TCP ones plus `response_code` and `grpc_response_status`. */
export const HTTP_LABEL_NAMES: readonly string[] = [...TCP_LABEL_NAMES, 'response_code', 'grpc_response_status'];

type LabelledEvent = HttpRequestEvent | TcpConnectionEvent;

/** The label values for an HTTP request event, in {@link HTTP_LABEL_NAMES} order. */
export function httpLabelValues(e: HttpRequestEvent): string[] {
  const out = commonLabelValues(e, e.requestProtocol);
  out.push(String(e.responseCode), e.requestProtocol === 'grpc' ? (e.grpcStatus ?? '') : '');
  return out;
}

/** The label values for a TCP connection event, in {@link TCP_LABEL_NAMES} order. */
export function tcpLabelValues(e: TcpConnectionEvent): string[] {
  return commonLabelValues(e, 'tcp');
}

function commonLabelValues(e: LabelledEvent, protocol: string): string[] {
  const out: string[] = [e.reporter];
  pushPeer(out, e.source);
  pushPeer(out, e.destination);
  const service = e.destinationService;
  out.push(
    service || UNKNOWN,
    serviceShortName(service) || UNKNOWN,
    serviceNamespace(service) || e.destination.namespace || UNKNOWN,
    protocol,
    formatResponseFlags(e.responseFlags),
    e.connectionSecurityPolicy,
  );
  return out;
}

function pushPeer(out: string[], p: PeerWorkload): void {
  out.push(
    p.workload || UNKNOWN,
    p.namespace || UNKNOWN,
    p.principal || UNKNOWN,
    p.app || UNKNOWN,
    p.version || UNKNOWN,
    p.canonicalService || UNKNOWN,
    p.canonicalRevision || LATEST,
    p.cluster || UNKNOWN,
  );
}

/**
 * `reviews` for `reviews.default.svc.cluster.local`: the host up to its first dot, as Istio does;
 * a dotless name (`PassthroughCluster`) stands for itself.
 */
export function serviceShortName(host: string | undefined): string {
  if (!host) return '';
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

/** `default` for `reviews.default.svc.<domain>`; empty for hosts outside a Kubernetes-style domain. */
export function serviceNamespace(host: string | undefined): string {
  if (!host) return '';
  const parts = host.split('.');
  return parts.length >= 3 && parts[2] === 'svc' ? parts[1]! : '';
}

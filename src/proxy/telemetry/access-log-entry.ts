// One access-log entry as a JSON line, with the field names of Istio's JSON access log.
import type { HttpRequestEvent, TcpConnectionEvent } from './events.js';
import { formatResponseFlags } from './response-flags.js';

// Strings that need no escaping are quoted directly; the common case skips JSON.stringify.
// Control characters are exactly what must be found here.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** A JSON string, or null for undefined and (when `emptyIsNull`) for the empty string. */
function str(value: string | undefined, emptyIsNull = false): string {
  if (value === undefined || (emptyIsNull && value === '')) return 'null';
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

let lastStartMs = NaN;
let lastStartIso = '';

/** ISO-8601 with milliseconds, remembered for the last timestamp since many entries share one. */
function isoTime(ms: number): string {
  if (ms !== lastStartMs) {
    lastStartMs = ms;
    lastStartIso = new Date(ms).toISOString();
  }
  return lastStartIso;
}

/**
 * The JSON line for an HTTP request, keys in the order Istio's default JSON format lists them.
 * Fields the proxy does not know are null, as Envoy's JSON formatter prints them. No newline.
 */
export function formatHttpAccessLog(e: HttpRequestEvent): string {
  return (
    `{"start_time":"${isoTime(e.startTime)}","method":${str(e.method)},"path":${str(e.path)},"protocol":${str(e.protocol)}` +
    `,"response_code":${e.responseCode},"response_flags":"${formatResponseFlags(e.responseFlags)}"` +
    `,"response_code_details":null,"connection_termination_details":null` +
    `,"upstream_transport_failure_reason":${str(e.upstreamTransportFailureReason)}` +
    `,"bytes_received":${e.requestBytes},"bytes_sent":${e.responseBytes},"duration":${Math.round(e.durationMs)}` +
    `,"upstream_service_time":${e.upstreamServiceTimeMs === undefined ? 'null' : `"${Math.round(e.upstreamServiceTimeMs)}"`}` +
    `,"x_forwarded_for":${str(e.forwardedFor)},"user_agent":${str(e.userAgent)},"request_id":${str(e.requestId, true)}` +
    `,"authority":${str(e.authority, true)},"upstream_host":${str(e.upstreamHost)},"upstream_cluster":${str(e.upstreamCluster)}` +
    `,"upstream_local_address":null,"downstream_local_address":${str(e.downstreamLocalAddress, true)}` +
    `,"downstream_remote_address":${str(e.downstreamRemoteAddress, true)},"requested_server_name":${str(e.requestedServerName, true)}` +
    `,"route_name":${str(e.routeName)}}`
  );
}

/** The JSON line for a closed TCP connection: the HTTP-only fields are null, as Envoy prints them. */
export function formatTcpAccessLog(e: TcpConnectionEvent): string {
  return (
    `{"start_time":"${isoTime(e.startTime)}","method":null,"path":null,"protocol":null` +
    `,"response_code":0,"response_flags":"${formatResponseFlags(e.responseFlags)}"` +
    `,"response_code_details":null,"connection_termination_details":null,"upstream_transport_failure_reason":null` +
    `,"bytes_received":${e.bytesReceived},"bytes_sent":${e.bytesSent},"duration":${Math.round(e.durationMs)}` +
    `,"upstream_service_time":null,"x_forwarded_for":null,"user_agent":null,"request_id":null,"authority":null` +
    `,"upstream_host":${str(e.upstreamHost)},"upstream_cluster":${str(e.upstreamCluster)}` +
    `,"upstream_local_address":null,"downstream_local_address":${str(e.downstreamLocalAddress, true)}` +
    `,"downstream_remote_address":${str(e.downstreamRemoteAddress, true)},"requested_server_name":${str(e.requestedServerName, true)}` +
    `,"route_name":null}`
  );
}

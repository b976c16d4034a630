// A cluster's transport_socket_matches (and its fallback transport_socket) as runtime TransportSocketMatches.
import type { Cluster__Output } from '../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { TransportSocket__Output } from '../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { TransportSocketMatch, UpstreamTlsConfig } from '../config/cluster.js';
import { structToJson } from '../../xds/struct.js';
import type { DecodeErrors } from './decode-result.js';
import { UPSTREAM_TRANSPORT_SOCKETS } from './transport-sockets.js';

function decodeSocket(s: TransportSocket__Output | null, errors: DecodeErrors, path: string): UpstreamTlsConfig | undefined {
  if (!s) return undefined;
  return UPSTREAM_TRANSPORT_SOCKETS.decode(s.typed_config, errors, `${path}.typed_config`) ?? undefined;
}

/**
 * The matches in order (first match wins), then the cluster's own transport_socket as a match
 * on everything, which is how Envoy falls back to it. Match values are compared as strings.
 */
export function decodeTransportSocketMatches(c: Cluster__Output, errors: DecodeErrors): TransportSocketMatch[] {
  const out: TransportSocketMatch[] = c.transport_socket_matches.map((m, i) => {
    const at = `transport_socket_matches[${i}]`;
    const match: Record<string, string> = {};
    for (const [k, v] of Object.entries(structToJson(m.match))) match[k] = typeof v === 'string' ? v : JSON.stringify(v);
    const tls = decodeSocket(m.transport_socket, errors, `${at}.transport_socket`);
    return { name: m.name, match, ...(tls ? { tls } : {}) };
  });
  if (c.transport_socket) {
    const tls = decodeSocket(c.transport_socket, errors, 'transport_socket');
    out.push({ name: c.transport_socket.name || 'default', match: {}, ...(tls ? { tls } : {}) });
  }
  return out;
}

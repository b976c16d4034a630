// ALPN on both sides of the proxy: what a TLS server context selects for a client, and what this
// proxy offers upstream, with Istio's in-mesh protocols for ISTIO_MUTUAL clusters.
import type { UpstreamTlsConfig } from '../config/cluster.js';

/** The protocols Istio's in-mesh TLS contexts carry; their presence marks an ISTIO_MUTUAL cluster. */
const MESH_MARKERS = ['istio-peer-exchange', 'istio'];

/**
 * The protocol a server offering `server` (in preference order) selects among what the client
 * `offered`: the first server protocol the client offered, or undefined when they share none,
 * in which case the handshake goes on without ALPN, as Envoy's does.
 */
export function selectServerAlpn(server: readonly string[], offered: readonly string[]): string | undefined {
  return server.find((p) => offered.includes(p));
}

/** What an upstream connection is for. */
export type UpstreamUse = 'http1' | 'http2' | 'tcp';

/**
 * The ALPN list to offer upstream. For an in-mesh context (one listing `istio-peer-exchange` or
 * `istio`) HTTP gets Istio's protocol names first, so that the server's PERMISSIVE chains can tell
 * mTLS HTTP from TCP: `istio-http/1.1`, `istio-http/1.0` for HTTP/1.1, `istio-h2`, `h2` for HTTP/2,
 * then `istio-peer-exchange`, `istio`. TCP, and any other context, offers the configured list,
 * except that HTTP/2 always offers `h2`.
 */
export function upstreamAlpn(config: UpstreamTlsConfig, use: UpstreamUse): string[] {
  const configured = config.alpn;
  const inMesh = configured.some((p) => MESH_MARKERS.includes(p));
  if (use === 'tcp') return [...configured];
  if (!inMesh) return use === 'http2' && !configured.includes('h2') ? ['h2', ...configured] : [...configured];
  const first = use === 'http2' ? ['istio-h2', 'h2'] : ['istio-http/1.1', 'istio-http/1.0'];
  return [...first, ...MESH_MARKERS];
}

/** Whether an HTTP/2 connection may run over the negotiated protocol. */
export function isHttp2Alpn(negotiated: string | false | null | undefined): boolean {
  return negotiated === 'h2' || negotiated === 'istio-h2';
}

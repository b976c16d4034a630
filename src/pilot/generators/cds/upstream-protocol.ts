// Which HTTP version a cluster speaks upstream: HTTP/2 for HTTP2 and GRPC ports or when a
// DestinationRule asks for the h2 upgrade, the client's own for unknown-protocol sidecar ports.
import type { ServicePort } from '../../model/service.js';
import type { ConnectionPoolSettings } from '../../../api/index.js';
import { setHttp2, setUseDownstreamProtocol, type ClusterDraft } from './cluster-draft.js';

/** True for the protocols Envoy must speak HTTP/2 to (Istio's IsHTTP2). */
export function isHttp2Protocol(protocol: string | undefined): boolean {
  const p = protocol?.toUpperCase();
  return p === 'HTTP2' || p === 'GRPC';
}

/**
 * Sets the port's own protocol on the draft (Istio's setUpstreamProtocol): HTTP/2 for HTTP2 and
 * GRPC ports; for a sidecar, an UNKNOWN port (left to protocol sniffing) uses the downstream
 * protocol.
 */
export function applyUpstreamProtocol(draft: ClusterDraft, port: ServicePort, sidecar: boolean): void {
  if (isHttp2Protocol(port.protocol)) setHttp2(draft);
  else if (sidecar && port.protocol === 'UNKNOWN') setUseDownstreamProtocol(draft);
}

/**
 * Applies `h2UpgradePolicy` (Istio's applyH2Upgrade): UPGRADE forces HTTP/2 whatever the port's
 * protocol. DO_NOT_UPGRADE and DEFAULT leave the port's protocol as it is, since the mesh-wide
 * h2UpgradePolicy is Istio's default, DO_NOT_UPGRADE.
 */
export function applyH2Upgrade(draft: ClusterDraft, pool: ConnectionPoolSettings | undefined): void {
  if (pool?.http?.h2UpgradePolicy === 'UPGRADE') setHttp2(draft);
}

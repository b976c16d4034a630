// Which TLS a cluster originates: the DestinationRule's mode when it sets one, otherwise Istio's
// auto mTLS (mTLS to endpoints labelled `tlsMode: istio`, plaintext to the rest).
import type { _envoy_config_cluster_v3_Cluster_TransportSocketMatch as TransportSocketMatch } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { ClientTlsSettings } from '../../../api/index.js';
import { structFromJson } from '../../../xds/struct.js';
import { TLS_MODE_ISTIO, TLS_MODE_KEY } from '../shared/tls-mode.js';
import type { ClusterContext } from './cluster-context.js';
import { httpOptionsOf, isHttp2, type ClusterDraft } from './cluster-draft.js';
import { buildClientTls } from './client-tls.js';
import { grpcUpstreamTransportSocket } from './grpc-tls.js';
import { buildIstioMutualTls, istioMtlsSni } from './istio-mutual-tls.js';
import { RAW_BUFFER_SOCKET, tlsTransportSocket } from './transport-socket.js';

/** What the TLS of one service cluster depends on besides the DestinationRule. */
export interface TlsTarget {
  readonly host: string;
  readonly port: number;
  readonly subset: string;
  readonly meshExternal: boolean;
  /** SPIFFE identities of the service's workloads, for ISTIO_MUTUAL's SAN check. */
  readonly serviceAccounts: readonly string[];
  /** PeerAuthentication has the service's workloads in DISABLE: auto mTLS sends plaintext. */
  readonly peerMtlsDisabled?: boolean;
}

/**
 * Sets the draft's transport socket(s). ISTIO_MUTUAL, SIMPLE and MUTUAL set `transport_socket`;
 * DISABLE sets nothing. Without DestinationRule TLS, auto mTLS (mesh `enableAutoMtls`, a service
 * inside the mesh, not ORIGINAL_DST, its workloads not DISABLE under PeerAuthentication) sets
 * `transport_socket_matches`: `tlsMode-istio` for endpoints whose metadata says `tlsMode: istio`,
 * `tlsMode-disabled` (plaintext) for the rest.
 * Proxyless gRPC clients get TLS only for ISTIO_MUTUAL and SIMPLE (see grpcUpstreamTransportSocket).
 */
export function applyUpstreamTls(draft: ClusterDraft, ctx: ClusterContext, target: TlsTarget, tls: ClientTlsSettings | undefined): void {
  const { cluster } = draft;
  if (ctx.grpc) {
    const socket = grpcUpstreamTransportSocket(tls, target.serviceAccounts);
    if (socket) cluster.transport_socket = socket;
    return;
  }
  const sni = istioMtlsSni(target.port, target.subset, target.host);
  if (tls) {
    if (tls.mode === 'ISTIO_MUTUAL') {
      const context = buildIstioMutualTls({ sni: tls.sni || sni, subjectAltNames: tls.subjectAltNames ?? target.serviceAccounts, http2: isHttp2(draft) });
      cluster.transport_socket = tlsTransportSocket(context);
    } else if (tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') {
      const client = buildClientTls(tls, tls.mode === 'MUTUAL', isHttp2(draft));
      if (!client) return;
      cluster.transport_socket = tlsTransportSocket(client.context);
      if (client.autoSni) {
        const options = httpOptionsOf(draft);
        options.upstream_http_protocol_options = client.autoSanValidation ? { auto_sni: true, auto_san_validation: true } : { auto_sni: true };
      }
    }
    return;
  }
  if (target.meshExternal || !ctx.push.mesh.enableAutoMtls || cluster.type === 'ORIGINAL_DST' || target.peerMtlsDisabled) return;
  const mtls = tlsTransportSocket(buildIstioMutualTls({ sni, subjectAltNames: target.serviceAccounts, http2: isHttp2(draft) }));
  cluster.transport_socket_matches = autoMtlsMatches(mtls);
}

/** The match of auto mTLS's TLS socket, shared by every cluster; packing never changes it. */
const ISTIO_TLS_MODE_MATCH = Object.freeze(structFromJson({ [TLS_MODE_KEY]: TLS_MODE_ISTIO }));

function autoMtlsMatches(mtls: NonNullable<TransportSocketMatch['transport_socket']>): TransportSocketMatch[] {
  return [
    { name: `${TLS_MODE_KEY}-${TLS_MODE_ISTIO}`, match: ISTIO_TLS_MODE_MATCH, transport_socket: mtls },
    { name: `${TLS_MODE_KEY}-disabled`, match: {}, transport_socket: RAW_BUFFER_SOCKET },
  ];
}

// PeerAuthentication for proxyless gRPC servers: whether a server port takes mTLS, and the
// DownstreamTlsContext that takes it with the certificates of the server's bootstrap providers.
import { packAny } from '../../../xds/index.js';
import type { TransportSocket } from '../../../xds/generated/envoy/config/core/v3/TransportSocket.js';
import type { DownstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { TLS_MODE_LABEL } from '../../registry/service-entry-endpoints.js';
import { GRPC_IDENTITY_CERTIFICATE, grpcValidationContext } from '../../generators/cds/grpc-tls.js';
import { TLS_TRANSPORT_SOCKET } from '../../generators/cds/transport-socket.js';
import { peerAuthenticationIndexOf } from './peer-authentication-index.js';
import { mtlsModeForPort, type MtlsMode } from './peer-authentication-policy.js';

const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/**
 * The mode PeerAuthentication gives a proxyless server's `port` (workload, namespace and mesh
 * policies, then the workload policy's port level, as for sidecars), as gRPC can serve it:
 * PERMISSIVE becomes STRICT when the server's labels say `security.istio.io/tlsMode: istio`, and
 * plaintext otherwise, because a gRPC filter chain cannot tell TLS from plaintext on one port.
 */
export function grpcServerMtlsMode(proxy: Pick<Proxy, 'namespace' | 'labels'>, push: PushContext, port: number): Exclude<MtlsMode, 'PERMISSIVE'> {
  const policy = peerAuthenticationIndexOf(push).forWorkload({ namespace: proxy.namespace, labels: proxy.labels });
  const mode = mtlsModeForPort(policy, port);
  if (mode === 'PERMISSIVE') return proxy.labels[TLS_MODE_LABEL] === 'istio' ? 'STRICT' : 'DISABLE';
  return mode;
}

/**
 * The DownstreamTlsContext of a STRICT gRPC server, as Istio's grpcgen builds it: the workload
 * certificate of the bootstrap provider `default`, a client certificate required and verified
 * against `ROOTCA` of the same provider with no SAN match (authorization decides who may call).
 * grpc-js-xds NACKs the listener when its bootstrap has no provider of that name.
 */
export function buildGrpcServerMtlsContext(): DownstreamTlsContext {
  return {
    require_client_certificate: { value: true },
    common_tls_context: {
      tls_certificate_provider_instance: { ...GRPC_IDENTITY_CERTIFICATE },
      combined_validation_context: { default_validation_context: grpcValidationContext([]) },
    },
  };
}

/** {@link buildGrpcServerMtlsContext} as a filter chain's `envoy.transport_sockets.tls` transport socket. */
export function grpcServerMtlsTransportSocket(): TransportSocket {
  return { name: TLS_TRANSPORT_SOCKET, typed_config: packAny(DOWNSTREAM_TLS_TYPE, buildGrpcServerMtlsContext()) };
}

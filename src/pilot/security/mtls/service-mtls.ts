// The client side of PeerAuthentication: whether auto mTLS should give up on a service because
// the workloads behind it accept only plaintext.
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServiceEndpoint } from '../../model/service.js';
import { peerAuthenticationIndexOf } from './peer-authentication-index.js';
import { mtlsModeForPort } from './peer-authentication-policy.js';

/**
 * True when auto mTLS must send plaintext to `service`: PeerAuthentication puts every one of its
 * `endpoints` in DISABLE on the port it listens on (workload, port-level, namespace and mesh
 * policies all counted), or, with no endpoints, the service's namespace (or the mesh) is DISABLE.
 * Istio infers this from the namespace and mesh policies alone; reading each endpoint's own policy
 * gives the same answer where no workload policy exists, and the right one where it does. Only
 * endpoints in the mesh (`tlsMode: istio`) count: the others get plaintext anyway.
 */
export function autoMtlsDisabled(push: PushContext, service: Service, endpoints: readonly ServiceEndpoint[]): boolean {
  const index = peerAuthenticationIndexOf(push);
  if (!index.hasPolicies || service.meshExternal) return false;
  const meshed = endpoints.filter((e) => e.tlsMode === 'istio');
  if (meshed.length === 0) return mtlsModeForPort(index.forWorkload({ namespace: service.namespace, labels: {} }), 0) === 'DISABLE';
  return meshed.every((e) => mtlsModeForPort(index.forWorkload({ namespace: e.namespace, labels: e.labels }), e.port) === 'DISABLE');
}

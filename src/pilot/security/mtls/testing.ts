// Test helpers for PeerAuthentication: resources in a few words.
import type { PeerAuthenticationSpec, Resource } from '../../../api/index.js';

/** A PeerAuthentication `namespace/name` with `spec`. */
export function peerAuthentication(namespace: string, name: string, spec: PeerAuthenticationSpec): Resource<'PeerAuthentication'> {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace, labels: {}, annotations: {} }, spec };
}

/** A mode-only policy: mesh-wide in `istio-system`, namespace-wide elsewhere. */
export function modePolicy(namespace: string, name: string, mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET'): Resource<'PeerAuthentication'> {
  return peerAuthentication(namespace, name, { mtls: { mode } });
}

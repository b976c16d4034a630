// Mesh-wide settings, Istio's MeshConfig as far as Heddle uses it, with Istio's defaults.

export interface MeshConfig {
  /** The root namespace: mesh-wide policy lives here. */
  readonly rootNamespace: string;
  readonly trustDomain: string;
  /** Default connect timeout for clusters, in ms (Istio: 10s). */
  readonly connectTimeoutMs: number;
  /** What sidecars do with traffic to unknown destinations. */
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Whether clients use mTLS automatically towards endpoints that accept it. */
  readonly enableAutoMtls: boolean;
  /** Default TCP idle timeout, in ms (1h). */
  readonly tcpIdleTimeoutMs: number;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  connectTimeoutMs: 10_000,
  outboundTrafficPolicy: 'ALLOW_ANY',
  enableAutoMtls: true,
  tcpIdleTimeoutMs: 3_600_000,
});

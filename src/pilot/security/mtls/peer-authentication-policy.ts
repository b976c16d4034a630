// PeerAuthentication composed as Istio composes it: one mesh, one namespace and one workload
// policy chosen for a workload, UNSET inheriting from the level above, PERMISSIVE at the top.
import type { Resource } from '../../../api/index.js';

/** The mTLS modes a server side can be in once UNSET has been resolved. */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** What PeerAuthentication says of one workload: its mode, and the modes of ports that differ. */
export interface EffectivePeerAuthentication {
  readonly mode: MtlsMode;
  /** Modes by workload (container) port, UNSET already resolved to `mode`. */
  readonly portLevel: ReadonlyMap<number, MtlsMode>;
}

type PeerAuthentication = Resource<'PeerAuthentication'>;

/** Mesh default with no policy at all: PERMISSIVE, as in Istio. */
export const DEFAULT_PEER_AUTHENTICATION: EffectivePeerAuthentication = Object.freeze({ mode: 'PERMISSIVE', portLevel: new Map<number, MtlsMode>() });

/** True for a policy that applies to a whole namespace (or the mesh): no selector labels. */
export function isNamespaceWide(policy: PeerAuthentication): boolean {
  return Object.keys(policy.spec.selector?.matchLabels ?? {}).length === 0;
}

/** A mode as written, or undefined for UNSET and an absent `mtls`. */
function modeOf(mtls: { mode?: string } | undefined): MtlsMode | undefined {
  const mode = mtls?.mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}

/**
 * The effective policy from the policies chosen at each level (any may be absent): the narrowest
 * level that sets a mode wins, and a workload policy's port entries override it for their ports
 * (an UNSET port entry takes the workload's resolved mode). Only the workload policy's
 * `portLevelMtls` is read, as in Istio.
 */
export function composePeerAuthentication(
  mesh: PeerAuthentication | undefined,
  namespace: PeerAuthentication | undefined,
  workload: PeerAuthentication | undefined,
): EffectivePeerAuthentication {
  const mode = modeOf(workload?.spec.mtls) ?? modeOf(namespace?.spec.mtls) ?? modeOf(mesh?.spec.mtls) ?? 'PERMISSIVE';
  const portLevel = new Map<number, MtlsMode>();
  for (const [key, mtls] of Object.entries(workload?.spec.portLevelMtls ?? {})) {
    const port = Number(key);
    if (Number.isInteger(port) && port > 0) portLevel.set(port, modeOf(mtls) ?? mode);
  }
  if (!workload && !namespace && !mesh) return DEFAULT_PEER_AUTHENTICATION;
  return Object.freeze({ mode, portLevel });
}

/** The mode of `port` (a workload port; 0 for the workload as a whole). */
export function mtlsModeForPort(policy: EffectivePeerAuthentication, port: number): MtlsMode {
  return (port > 0 ? policy.portLevel.get(port) : undefined) ?? policy.mode;
}

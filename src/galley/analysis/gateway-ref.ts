// Gateway references in VirtualServices: `gw`, `ns/gw`, the legacy `gw.ns.svc.cluster.local`, and `mesh`.

/** The reserved gateway name for the sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

/** A reference to a Gateway resource, or to the mesh's sidecars. */
export type GatewayRef = { readonly mesh: true } | { readonly mesh: false; readonly namespace: string; readonly name: string };

/**
 * Reads a gateway reference written in a VirtualService of `namespace`. A bare name is in the
 * VirtualService's namespace; `ns/name` names the namespace; the legacy `name.ns[.svc...]` form
 * takes the namespace from the second label, as Istio still accepts it.
 */
export function parseGatewayRef(ref: string, namespace: string): GatewayRef {
  if (ref === MESH_GATEWAY) return { mesh: true };
  const slash = ref.indexOf('/');
  if (slash >= 0) return { mesh: false, namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  const labels = ref.split('.');
  if (labels.length >= 2) return { mesh: false, namespace: labels[1]!, name: labels[0]! };
  return { mesh: false, namespace, name: ref };
}

/** True when the VirtualService applies to the mesh's sidecars: no gateways, or `mesh` among them. */
export function bindsToMesh(gateways: readonly string[] | undefined): boolean {
  return !gateways || gateways.length === 0 || gateways.includes(MESH_GATEWAY);
}

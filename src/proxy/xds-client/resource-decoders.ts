// Decoding a batch of xDS resources of one type, all or nothing: one bad resource rejects the batch.
import { unpackAny, type AnyMessage } from '../../xds/any.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, shortTypeName } from '../../xds/type-urls.js';
import type { ClusterConfig, ListenerConfig, LoadAssignment, RouteConfig } from '../config/index.js';
import { decodeCluster, decodeClusterLoadAssignment, decodeListener, decodeRouteConfiguration, type DecodeResult } from '../decode/index.js';

/** The four types the sidecar subscribes to, in the order Envoy applies them. */
export const SIDECAR_TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE] as const;
export type SidecarTypeUrl = (typeof SIDECAR_TYPES)[number];

/** A decoded resource of any of the four types. */
export type SidecarResource = ListenerConfig | RouteConfig | ClusterConfig | LoadAssignment;

const DECODERS: Readonly<Record<SidecarTypeUrl, (any: AnyMessage) => DecodeResult<SidecarResource>>> = {
  [LISTENER_TYPE]: decodeListener,
  [ROUTE_TYPE]: decodeRouteConfiguration,
  [CLUSTER_TYPE]: decodeCluster,
  [ENDPOINT_TYPE]: decodeClusterLoadAssignment,
};

/** True for the four types the sidecar subscribes to. */
export function isSidecarType(typeUrl: string): typeUrl is SidecarTypeUrl {
  return Object.hasOwn(DECODERS, typeUrl);
}

/** The name a resource is known by: its name, or for a load assignment its cluster name. */
export function resourceName(r: SidecarResource): string {
  return 'clusterName' in r ? r.clusterName : r.name;
}

/** A resource as it arrives: the Any, and in Delta the name the server gave it. */
export interface IncomingResource {
  readonly any: AnyMessage | null;
  readonly name?: string;
}

export type BatchResult = { readonly valid: true; readonly resources: Map<string, SidecarResource> } | { readonly valid: false; readonly message: string };

/** The name inside an undecodable resource, for error messages; empty when even that cannot be read. */
function nameInside(any: AnyMessage): string {
  try {
    const m = unpackAny<{ name?: string; cluster_name?: string }>(any);
    return m.name || m.cluster_name || '';
  } catch {
    return '';
  }
}

/**
 * Decodes every resource of a response. Valid only when every resource is: then the resources
 * by name. Otherwise one message listing each problem as `<TYPE> <name>: <field path>: <why>`.
 */
export function decodeBatch(typeUrl: string, incoming: readonly IncomingResource[]): BatchResult {
  if (!isSidecarType(typeUrl)) return { valid: false, message: `unsupported resource type ${typeUrl}` };
  const decode = DECODERS[typeUrl];
  const short = shortTypeName(typeUrl);
  const resources = new Map<string, SidecarResource>();
  const problems: string[] = [];
  incoming.forEach((r, i) => {
    const label = (name: string) => `${short} ${name || `resources[${i}]`}`;
    if (!r.any) {
      problems.push(`${label(r.name ?? '')}: resource missing`);
      return;
    }
    const result = decode(r.any);
    if (!result.valid) {
      for (const e of result.errors) problems.push(`${label(r.name ?? nameInside(r.any))}: ${e}`);
      return;
    }
    const name = resourceName(result.result);
    if (r.name !== undefined && r.name !== name) problems.push(`${label(r.name)}: the resource is named ${name}`);
    else if (resources.has(name)) problems.push(`${label(name)}: duplicate resource name`);
    else resources.set(name, result.result);
  });
  return problems.length === 0 ? { valid: true, resources } : { valid: false, message: problems.join('; ') };
}

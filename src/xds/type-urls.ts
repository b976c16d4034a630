// The xDS resource types Heddle serves and consumes, by type URL.

export const TYPE_URL_PREFIX = 'type.googleapis.com/';

export const LISTENER_TYPE = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const ROUTE_TYPE = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const CLUSTER_TYPE = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENDPOINT_TYPE = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** A resource type that travels over ADS. */
export type XdsTypeUrl = typeof LISTENER_TYPE | typeof ROUTE_TYPE | typeof CLUSTER_TYPE | typeof ENDPOINT_TYPE | typeof SECRET_TYPE;

/** Every xDS type, in the order Envoy wants them pushed: clusters warm before the listeners that use them. */
export const XDS_TYPES: readonly XdsTypeUrl[] = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE];

const SHORT: Record<XdsTypeUrl, string> = {
  [LISTENER_TYPE]: 'LDS',
  [ROUTE_TYPE]: 'RDS',
  [CLUSTER_TYPE]: 'CDS',
  [ENDPOINT_TYPE]: 'EDS',
  [SECRET_TYPE]: 'SDS',
};

/** `LDS`, `RDS`, `CDS`, `EDS` or `SDS` for a type URL; the URL itself for others. */
export function shortTypeName(typeUrl: string): string {
  return (SHORT as Record<string, string>)[typeUrl] ?? typeUrl;
}

/** True when `typeUrl` is one of the types Heddle serves. */
export function isXdsTypeUrl(typeUrl: string): typeUrl is XdsTypeUrl {
  return Object.hasOwn(SHORT, typeUrl);
}

/** The full message name inside a type URL. */
export function messageNameOf(typeUrl: string): string {
  return typeUrl.startsWith(TYPE_URL_PREFIX) ? typeUrl.slice(TYPE_URL_PREFIX.length) : typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

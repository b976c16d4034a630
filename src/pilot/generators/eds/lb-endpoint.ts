// One service endpoint as an Envoy LbEndpoint: address, weight, health, and the metadata that
// telemetry (`istio.workload`) and auto mTLS (`envoy.transport_socket_match`) read.
import type { LbEndpoint } from '../../../xds/generated/envoy/config/endpoint/v3/LbEndpoint.js';
import type { Address } from '../../../xds/generated/envoy/config/core/v3/Address.js';
import type { Struct } from '../../../xds/generated/google/protobuf/Struct.js';
import type { ServiceEndpoint } from '../../model/service.js';
import { structFromJson } from '../../../xds/struct.js';
import { TLS_MODE_ISTIO, TLS_MODE_KEY, TRANSPORT_SOCKET_MATCH_METADATA } from '../shared/tls-mode.js';

const UNIX_PREFIX = 'unix://';

/** Shared by every mTLS-capable endpoint; packing never mutates it. */
const ISTIO_TLS_MODE: Struct = Object.freeze(structFromJson({ [TLS_MODE_KEY]: TLS_MODE_ISTIO }));

/** The endpoint's load-balancing weight: its own, or 1 when it has none (Envoy requires at least 1). */
export function endpointWeight(endpoint: ServiceEndpoint): number {
  return endpoint.weight > 0 ? Math.floor(endpoint.weight) : 1;
}

/** An endpoint address: a socket address, or a pipe for `unix://` paths. */
export function endpointAddress(address: string, port: number): Address {
  if (address.startsWith(UNIX_PREFIX)) return { pipe: { path: address.slice(UNIX_PREFIX.length) } };
  return { socket_address: { address, port_value: port } };
}

/**
 * Istio's `istio.workload` endpoint metadata, `name;namespace;canonical-name;canonical-revision;cluster`,
 * from which telemetry takes the destination workload's labels.
 */
export function workloadMetadata(endpoint: ServiceEndpoint): string {
  const name = endpoint.workload?.split('/').pop() ?? '';
  const labels = endpoint.labels;
  const canonicalName = labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? name;
  const revision = labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  return `${name};${endpoint.namespace};${canonicalName};${revision};`;
}

/** Built LbEndpoints by endpoint: registry endpoints are immutable, and a change makes a new object. */
const built = new WeakMap<ServiceEndpoint, LbEndpoint>();

/** The LbEndpoint for `endpoint`: HEALTHY or UNHEALTHY, with its weight and metadata. Built once per endpoint. */
export function buildLbEndpoint(endpoint: ServiceEndpoint): LbEndpoint {
  let lb = built.get(endpoint);
  if (!lb) built.set(endpoint, (lb = createLbEndpoint(endpoint)));
  return lb;
}

function createLbEndpoint(endpoint: ServiceEndpoint): LbEndpoint {
  const filterMetadata: Record<string, Struct> = { istio: structFromJson({ workload: workloadMetadata(endpoint) }) };
  if (endpoint.tlsMode === 'istio') filterMetadata[TRANSPORT_SOCKET_MATCH_METADATA] = ISTIO_TLS_MODE;
  return {
    endpoint: { address: endpointAddress(endpoint.address, endpoint.port) },
    health_status: endpoint.healthy ? 'HEALTHY' : 'UNHEALTHY',
    load_balancing_weight: { value: endpointWeight(endpoint) },
    metadata: { filter_metadata: filterMetadata },
  };
}

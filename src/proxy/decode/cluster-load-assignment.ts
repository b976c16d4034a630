// Envoy's ClusterLoadAssignment (from EDS, or inline in a cluster) as the runtime LoadAssignment.
import type { ClusterLoadAssignment__Output } from '../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import type { AnyMessage } from '../../xds/any.js';
import { ENDPOINT_TYPE } from '../../xds/type-urls.js';
import type { EndpointConfig, HealthStatus, LoadAssignment } from '../config/endpoint.js';
import { DecodeErrors, type DecodeResult } from './decode-result.js';
import { wrapped } from './duration.js';
import { filterMetadata, stringOf } from './metadata.js';
import { decodeSocketAddress } from './socket-address.js';
import { unpackResource } from './unpack-resource.js';

const HEALTH: Readonly<Record<string, HealthStatus>> = {
  UNKNOWN: 'UNKNOWN',
  HEALTHY: 'HEALTHY',
  UNHEALTHY: 'UNHEALTHY',
  DRAINING: 'DRAINING',
  TIMEOUT: 'TIMEOUT',
  DEGRADED: 'DEGRADED',
};

/**
 * Decodes an unpacked assignment under `path`. Endpoint weight defaults to 1, locality weight to
 * 1; `tlsMode` comes from the endpoint's envoy.transport_socket_match metadata and `workload`
 * from its istio metadata.
 */
export function decodeLoadAssignmentMessage(m: ClusterLoadAssignment__Output, errors: DecodeErrors, path: string): LoadAssignment {
  const prefix = path ? `${path}.` : '';
  const localities = m.endpoints.map((l, i) => {
    const at = `${prefix}endpoints[${i}]`;
    const endpoints: EndpointConfig[] = [];
    l.lb_endpoints.forEach((e, j) => {
      const ep = `${at}.lb_endpoints[${j}]`;
      if (e.host_identifier !== 'endpoint' || !e.endpoint) {
        errors.add(ep, 'endpoint missing (named endpoints are not supported)');
        return;
      }
      const address = decodeSocketAddress(e.endpoint.address, errors, `${ep}.endpoint.address`);
      const weight = wrapped(e.load_balancing_weight, 1);
      if (weight < 1) errors.add(`${ep}.load_balancing_weight`, 'must be at least 1');
      if (!address) return;
      const tlsMode = stringOf(filterMetadata(e.metadata, 'envoy.transport_socket_match').tlsMode);
      const workload = stringOf(filterMetadata(e.metadata, 'istio').workload);
      endpoints.push({
        address: address.address,
        port: address.port,
        weight,
        healthStatus: HEALTH[e.health_status] ?? 'UNKNOWN',
        ...(tlsMode !== undefined ? { tlsMode } : {}),
        ...(workload !== undefined ? { workload } : {}),
      });
    });
    return {
      locality: { region: l.locality?.region ?? '', zone: l.locality?.zone ?? '', subZone: l.locality?.sub_zone ?? '' },
      weight: wrapped(l.load_balancing_weight, 1),
      priority: l.priority,
      endpoints,
    };
  });
  return { clusterName: m.cluster_name, localities };
}

/** Decodes a ClusterLoadAssignment Any, collecting every error with its field path. */
export function decodeClusterLoadAssignment(any: AnyMessage): DecodeResult<LoadAssignment> {
  const errors = new DecodeErrors();
  const m = unpackResource<ClusterLoadAssignment__Output>(any, ENDPOINT_TYPE, errors);
  if (!m) return errors.fail();
  if (!m.cluster_name) errors.add('cluster_name', 'cluster name missing');
  return errors.finish(decodeLoadAssignmentMessage(m, errors, ''));
}


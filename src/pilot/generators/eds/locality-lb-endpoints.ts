// Service endpoints grouped by locality, each locality weighted: grpc-js-xds skips a locality
// without load_balancing_weight, and then fails every call (FINDINGS: xDS with grpc-js-xds).
import { isIP } from 'node:net';
import type { LocalityLbEndpoints } from '../../../xds/generated/envoy/config/endpoint/v3/LocalityLbEndpoints.js';
import type { LbEndpoint } from '../../../xds/generated/envoy/config/endpoint/v3/LbEndpoint.js';
import type { Locality } from '../../../xds/generated/envoy/config/core/v3/Locality.js';
import type { ServiceEndpoint } from '../../model/service.js';
import { buildLbEndpoint, endpointWeight } from './lb-endpoint.js';

/** How endpoints are filtered for the proxy kind. */
export interface LocalityOptions {
  /**
   * Keep only endpoints whose address is an IP address (proxyless gRPC: grpc-js-xds NACKs a
   * ClusterLoadAssignment holding a host name or a unix socket).
   */
  readonly ipOnly?: boolean;
}

/** `region/zone/subzone` as a Locality; missing parts are left out. */
export function parseLocality(locality: string | undefined): Locality {
  if (!locality) return {};
  const [region, zone, subZone] = locality.split('/');
  const out: Locality = {};
  if (region) out.region = region;
  if (zone) out.zone = zone;
  if (subZone) out.sub_zone = subZone;
  return out;
}

interface Group {
  readonly locality: string;
  readonly lbEndpoints: LbEndpoint[];
  healthyWeight: number;
}

/**
 * `endpoints` grouped by locality, in locality order, keeping each locality's endpoints in the
 * order given. Every locality carries `load_balancing_weight`: the sum of its healthy endpoints'
 * weights, or 1 when none is healthy (the field must be at least 1). Endpoints with an address
 * and port already seen are dropped, since grpc-js-xds NACKs duplicates.
 */
export function buildLocalityLbEndpoints(endpoints: readonly ServiceEndpoint[], options: LocalityOptions = {}): LocalityLbEndpoints[] {
  const groups = new Map<string, Group>();
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (options.ipOnly && isIP(endpoint.address) === 0) continue;
    const key = `${endpoint.address}|${endpoint.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const locality = endpoint.locality ?? '';
    let group = groups.get(locality);
    if (!group) groups.set(locality, (group = { locality, lbEndpoints: [], healthyWeight: 0 }));
    group.lbEndpoints.push(buildLbEndpoint(endpoint));
    if (endpoint.healthy) group.healthyWeight += endpointWeight(endpoint);
  }
  return [...groups.values()]
    .sort((a, b) => (a.locality < b.locality ? -1 : a.locality > b.locality ? 1 : 0))
    .map((group) => ({
      locality: parseLocality(group.locality),
      lb_endpoints: group.lbEndpoints,
      load_balancing_weight: { value: Math.min(Math.max(group.healthyWeight, 1), 4_294_967_295) },
    }));
}

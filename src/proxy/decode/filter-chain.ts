// One Envoy FilterChain (its match, network filters and transport socket) as a FilterChainConfig.
import type { FilterChain__Output } from '../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { FilterChainMatch__Output } from '../../xds/generated/envoy/config/listener/v3/FilterChainMatch.js';
import type { CidrRange__Output } from '../../xds/generated/envoy/config/core/v3/CidrRange.js';
import type { CidrRange, FilterChainConfig, FilterChainMatch, NetworkFilterConfig } from '../config/listener.js';
import type { NetworkRbacConfig } from '../config/policy.js';
import type { DecodeErrors } from './decode-result.js';
import { wrapped } from './duration.js';
import { NETWORK_FILTERS, NETWORK_POLICY_FILTERS } from './network-filters.js';
import { DOWNSTREAM_TRANSPORT_SOCKETS } from './transport-sockets.js';

const MATCH_ANY: FilterChainMatch = Object.freeze({ prefixRanges: [], sourcePrefixRanges: [], serverNames: [], applicationProtocols: [] });

function cidrs(ranges: readonly CidrRange__Output[], errors: DecodeErrors, path: string): CidrRange[] {
  return ranges.map((r, i) => {
    if (!r.address_prefix) errors.add(`${path}[${i}].address_prefix`, 'address prefix missing');
    const v6 = r.address_prefix.includes(':');
    return { address: r.address_prefix, prefixLen: wrapped(r.prefix_len, v6 ? 128 : 32) };
  });
}

/** A FilterChainMatch; source ports, source type and suffix matches are not supported. */
export function decodeFilterChainMatch(m: FilterChainMatch__Output | null, errors: DecodeErrors, path: string): FilterChainMatch {
  if (!m) return MATCH_ANY;
  if (m.source_ports.length > 0) errors.add(`${path}.source_ports`, 'not supported');
  if (m.direct_source_prefix_ranges.length > 0) errors.add(`${path}.direct_source_prefix_ranges`, 'not supported');
  if (m.source_type !== 'ANY') errors.add(`${path}.source_type`, 'not supported');
  const destinationPort = wrapped(m.destination_port);
  return {
    ...(destinationPort !== undefined ? { destinationPort } : {}),
    prefixRanges: cidrs(m.prefix_ranges, errors, `${path}.prefix_ranges`),
    sourcePrefixRanges: cidrs(m.source_prefix_ranges, errors, `${path}.source_prefix_ranges`),
    serverNames: m.server_names.map((n) => n.toLowerCase()),
    ...(m.transport_protocol ? { transportProtocol: m.transport_protocol } : {}),
    applicationProtocols: m.application_protocols,
  };
}

/**
 * A filter chain: its match, the network filters (the last one must be terminal: HTTP connection
 * manager or TCP proxy) and the downstream transport socket. `path` names the chain.
 */
export function decodeFilterChain(c: FilterChain__Output, errors: DecodeErrors, path: string): FilterChainConfig | undefined {
  const match = decodeFilterChainMatch(c.filter_chain_match, errors, `${path}.filter_chain_match`);
  let network: NetworkFilterConfig | undefined;
  const networkRbac: NetworkRbacConfig[] = [];
  c.filters.forEach((f, i) => {
    const at = `${path}.filters[${i}]`;
    if (f.config_type !== 'typed_config') {
      errors.add(at, 'only typed_config is supported (no config_discovery)');
      return;
    }
    if (f.typed_config && NETWORK_POLICY_FILTERS.has(f.typed_config.type_url)) {
      const rbac = NETWORK_POLICY_FILTERS.decode(f.typed_config, errors, `${at}.typed_config`);
      if (rbac) networkRbac.push(rbac);
      if (i === c.filters.length - 1) errors.add(at, 'a policy filter must be followed by a terminal filter (HTTP connection manager, TCP proxy)');
      return;
    }
    const decoded = NETWORK_FILTERS.decode(f.typed_config, errors, `${at}.typed_config`);
    if (decoded && i !== c.filters.length - 1) errors.add(at, 'a terminal filter (HTTP connection manager, TCP proxy) must be the last filter');
    network = decoded ?? network;
  });
  if (c.filters.length === 0) errors.add(`${path}.filters`, 'no network filters');
  let tls: FilterChainConfig['tls'];
  if (c.transport_socket) {
    tls = DOWNSTREAM_TRANSPORT_SOCKETS.decode(c.transport_socket.typed_config, errors, `${path}.transport_socket.typed_config`) ?? undefined;
  }
  if (!network) return undefined;
  if (networkRbac.length > 0) {
    network = network.kind === 'tcp' ? { kind: 'tcp', tcp: { ...network.tcp, networkRbac } } : { kind: 'http', hcm: { ...network.hcm, networkRbac } };
  }
  return { name: c.name, match, network, ...(tls ? { tls } : {}) };
}

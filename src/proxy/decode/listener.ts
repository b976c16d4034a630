// Envoy's Listener as the runtime ListenerConfig: address, listener filters and filter chains.
import type { Listener__Output } from '../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { AnyMessage } from '../../xds/any.js';
import { LISTENER_TYPE } from '../../xds/type-urls.js';
import type { FilterChainConfig, ListenerConfig } from '../config/listener.js';
import { DecodeErrors, type DecodeResult } from './decode-result.js';
import { durationMs, wrappedBool } from './duration.js';
import { decodeFilterChain } from './filter-chain.js';
import { decodeListenerFilters } from './listener-filters.js';
import { decodeSocketAddress } from './socket-address.js';
import { unpackResource } from './unpack-resource.js';

/** Envoy's listener_filters_timeout when unset: 15 s. */
export const DEFAULT_LISTENER_FILTERS_TIMEOUT_MS = 15_000;

const DIRECTIONS: Readonly<Record<string, ListenerConfig['trafficDirection']>> = { INBOUND: 'INBOUND', OUTBOUND: 'OUTBOUND', UNSPECIFIED: 'UNSPECIFIED' };

/**
 * Decodes a Listener Any. Every problem is reported with its field path; an ApiListener (for
 * proxyless clients) and anything the sidecar cannot run are errors, never crashes.
 */
export function decodeListener(any: AnyMessage): DecodeResult<ListenerConfig> {
  const errors = new DecodeErrors();
  const l = unpackResource<Listener__Output>(any, LISTENER_TYPE, errors);
  if (!l) return errors.fail();
  if (!l.name) errors.add('name', 'listener name missing');
  if (l.api_listener) {
    errors.add('api_listener', 'api_listener is for proxyless clients');
    return errors.fail();
  }
  if (l.listener_specifier === 'internal_listener') errors.add('internal_listener', 'internal listeners are not supported');
  const address = decodeSocketAddress(l.address, errors, 'address');
  const filterChains = l.filter_chains
    .map((c, i) => decodeFilterChain(c, errors, `filter_chains[${i}]`))
    .filter((c): c is FilterChainConfig => c !== undefined);
  const defaultFilterChain = l.default_filter_chain ? decodeFilterChain(l.default_filter_chain, errors, 'default_filter_chain') : undefined;
  if (l.filter_chain_matcher) errors.add('filter_chain_matcher', 'not supported; use filter_chain_match');
  if (l.filter_chains.length === 0 && !l.default_filter_chain) errors.add('filter_chains', 'no filter chains');
  return errors.finish({
    name: l.name,
    address: address?.address ?? '',
    port: address?.port ?? 0,
    bindToPort: wrappedBool(l.bind_to_port, true),
    useOriginalDst: wrappedBool(l.use_original_dst, false),
    trafficDirection: DIRECTIONS[l.traffic_direction] ?? 'UNSPECIFIED',
    listenerFilters: decodeListenerFilters(l.listener_filters, errors, 'listener_filters'),
    listenerFiltersTimeoutMs: durationMs(l.listener_filters_timeout, DEFAULT_LISTENER_FILTERS_TIMEOUT_MS),
    continueOnListenerFiltersTimeout: l.continue_on_listener_filters_timeout,
    filterChains,
    ...(defaultFilterChain ? { defaultFilterChain } : {}),
  });
}


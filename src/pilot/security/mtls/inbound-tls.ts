// PeerAuthentication on the inbound side: which chains (mTLS, plaintext, or both) a workload port serves.
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { FilterChainContext } from '../../generators/lds/listener-security.js';
import { HCM_FILTER_NAME } from '../../generators/lds/network-filters.js';
import { inboundChainOptions, type InboundChainOption } from './inbound-chain-options.js';
import { inboundMtlsTransportSocket } from './inbound-mtls-context.js';
import { peerAuthenticationIndexOf } from './peer-authentication-index.js';
import { mtlsModeForPort, type EffectivePeerAuthentication, type MtlsMode } from './peer-authentication-policy.js';

/** The mode PeerAuthentication gives the proxy's workload on `port` (0: the workload as a whole). */
export function inboundMtlsMode(ctx: Pick<FilterChainContext, 'proxy' | 'push' | 'port'>): MtlsMode {
  return mtlsModeForPort(workloadPolicy(ctx), ctx.port);
}

function workloadPolicy(ctx: Pick<FilterChainContext, 'proxy' | 'push'>): EffectivePeerAuthentication {
  return peerAuthenticationIndexOf(ctx.push).forWorkload({ namespace: ctx.proxy.namespace, labels: ctx.proxy.labels });
}

/**
 * The inbound chains for one workload port (or, with port 0, the passthrough chain for ports the
 * workload did not declare) under the PeerAuthentication that applies to it, as Istio builds them.
 * STRICT: one chain matching TLS, terminating mTLS. PERMISSIVE: an mTLS chain matching Istio's
 * ALPNs, then the plaintext chain matching `raw_buffer` (and for TCP, a chain passing other TLS
 * through). DISABLE: the plaintext chain as given. Every chain keeps the plaintext chain's name and
 * filters; whether a port is HTTP is read from its terminal filter. With port 0, each port whose
 * port-level mode differs from the workload's first gets its own passthrough chains in that mode,
 * matching its `destination_port` (the generator drops those of ports it serves already), then come
 * the port-less chains in the workload's mode. Only sidecar inbound chains change; gateways and
 * outbound chains are returned as given.
 */
export function inboundTlsFilterChains(ctx: FilterChainContext, plaintext: FilterChain): readonly FilterChain[] {
  if (ctx.listenerClass !== 'sidecar-inbound') return [plaintext];
  const http = plaintext.filters?.at(-1)?.name === HCM_FILTER_NAME;
  const policy = workloadPolicy(ctx);
  const mode = mtlsModeForPort(policy, ctx.port);
  const chains = inboundChainOptions(mode, http).map((option) => chainFor(plaintext, option, http));
  if (ctx.port !== 0) return chains;
  // Without chains of its own, a port-level port nobody declared would take the port-less chains
  // and with them the workload's mode: plaintext accepted on a port the policy makes STRICT.
  const portLevel = [...policy.portLevel].filter(([, portMode]) => portMode !== mode).sort(([a], [b]) => a - b);
  const ported = portLevel.flatMap(([port, portMode]) => {
    const onPort: FilterChain = { ...plaintext, filter_chain_match: { ...plaintext.filter_chain_match, destination_port: { value: port } } };
    return inboundChainOptions(portMode, http).map((option) => chainFor(onPort, option, http));
  });
  return [...ported, ...chains];
}

function chainFor(plaintext: FilterChain, option: InboundChainOption, http: boolean): FilterChain {
  if (!option.transportProtocol && !option.mtls) return plaintext;
  const match = { ...plaintext.filter_chain_match };
  if (option.transportProtocol) match.transport_protocol = option.transportProtocol;
  if (option.applicationProtocols) match.application_protocols = [...option.applicationProtocols];
  const chain: FilterChain = { ...plaintext, filter_chain_match: match };
  if (option.mtls) chain.transport_socket = inboundMtlsTransportSocket(http);
  return chain;
}

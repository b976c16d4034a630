import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyResource } from '../../../api/index.js';
import { unpackAny, type AnyMessage } from '../../../xds/index.js';
import type { FilterChain } from '../../../xds/generated/envoy/config/listener/v3/FilterChain.js';
import type { Listener } from '../../../xds/generated/envoy/config/listener/v3/Listener.js';
import type { DownstreamTlsContext } from '../../../xds/generated/envoy/extensions/transport_sockets/tls/v3/DownstreamTlsContext.js';
import { createGatewayLdsGenerator, createSidecarLdsGenerator } from '../../generators/lds/lds-generator.js';
import { fakeProxy, gateway, testPush } from '../../generators/rds/testing.js';
import { ISTIO_LISTENER_SECURITY } from '../listener-security.js';
import { ISTIO_MTLS_ALPNS } from './inbound-chain-options.js';
import { modePolicy, peerAuthentication } from './testing.js';

const WORKLOAD = { labels: { app: 'reviews' }, workloadPorts: [{ name: 'http', port: 9080 }, { name: 'tcp-db', port: 5432 }] };

/** virtualInbound as the sidecar LDS generator builds it with Istio's security hook, packed strictly. */
function virtualInbound(resources: readonly AnyResource[], namespace = 'default'): Listener {
  const push = testPush({ resources });
  const out = createSidecarLdsGenerator({ security: ISTIO_LISTENER_SECURITY }).generate(fakeProxy({ ...WORKLOAD, namespace }), push, ['virtualInbound']);
  assert.equal(out.length, 1);
  return out[0]!.message as Listener;
}

const reviewsPolicy = (mode: 'PERMISSIVE' | 'DISABLE', portLevelMtls: Record<string, { mode: 'STRICT' }>) =>
  peerAuthentication('default', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode }, portLevelMtls });
const chainsOf = (l: Listener, port: number) => (l.filter_chains ?? []).filter((c) => c.filter_chain_match?.destination_port?.value === port);
const passthroughOf = (l: Listener) => (l.filter_chains ?? []).filter((c) => !c.filter_chain_match?.destination_port);
const tlsOf = (c: FilterChain | undefined) => unpackAny<DownstreamTlsContext>(c?.transport_socket?.typed_config as AnyMessage);
const summary = (chains: readonly FilterChain[]) =>
  chains.map((c) => ({
    transport: c.filter_chain_match?.transport_protocol,
    alpn: c.filter_chain_match?.application_protocols,
    mtls: c.transport_socket ? true : false,
  }));

describe('inbound mTLS chains', () => {
  it('Should serve an mTLS chain matching Istio ALPNs and a raw_buffer chain on an HTTP port by default (PERMISSIVE)', () => {
    const chains = chainsOf(virtualInbound([]), 9080);
    assert.deepEqual(summary(chains), [
      { transport: 'tls', alpn: [...ISTIO_MTLS_ALPNS], mtls: true },
      { transport: 'raw_buffer', alpn: undefined, mtls: false },
    ]);
    assert.deepEqual(chains.map((c) => c.name), ['0.0.0.0_9080', '0.0.0.0_9080']);
    assert.deepEqual(chains[0]?.filters, chains[1]?.filters);
  });

  it('Should present SDS default, require a client certificate checked against SDS ROOTCA, and offer h2 and http/1.1 on HTTP', () => {
    const ctx = tlsOf(chainsOf(virtualInbound([]), 9080)[0]);
    assert.equal(chainsOf(virtualInbound([]), 9080)[0]?.transport_socket?.name, 'envoy.transport_sockets.tls');
    assert.deepEqual(ctx.require_client_certificate, { value: true });
    const common = ctx.common_tls_context;
    assert.deepEqual(common?.alpn_protocols, ['h2', 'http/1.1']);
    assert.deepEqual(common?.tls_certificate_sds_secret_configs?.map((s) => s.name), ['default']);
    assert.equal(common?.combined_validation_context?.validation_context_sds_secret_config?.name, 'ROOTCA');
    assert.ok(common?.combined_validation_context?.validation_context_sds_secret_config?.sds_config?.ads);
    assert.deepEqual(common?.combined_validation_context?.default_validation_context?.match_subject_alt_names ?? [], []);
    assert.equal(common?.tls_params?.tls_minimum_protocol_version, 'TLSv1_2');
  });

  it('Should add a plain TLS passthrough chain on a TCP port under PERMISSIVE, and offer istio-peer-exchange', () => {
    const chains = chainsOf(virtualInbound([]), 5432);
    assert.deepEqual(summary(chains), [
      { transport: 'tls', alpn: [...ISTIO_MTLS_ALPNS], mtls: true },
      { transport: 'raw_buffer', alpn: undefined, mtls: false },
      { transport: 'tls', alpn: undefined, mtls: false },
    ]);
    assert.deepEqual(tlsOf(chains[0]).common_tls_context?.alpn_protocols, ['istio-peer-exchange', 'h2', 'http/1.1']);
  });

  it('Should serve only an mTLS chain matching any TLS under STRICT', () => {
    const l = virtualInbound([modePolicy('istio-system', 'default', 'STRICT')]);
    assert.deepEqual(summary(chainsOf(l, 9080)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
    assert.deepEqual(summary(chainsOf(l, 5432)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
  });

  it('Should serve only the plaintext chain under DISABLE, with the default passthrough chain', () => {
    const l = virtualInbound([modePolicy('default', 'default', 'DISABLE')]);
    assert.deepEqual(summary(chainsOf(l, 9080)), [{ transport: undefined, alpn: undefined, mtls: false }]);
    assert.equal(passthroughOf(l).length, 0);
    assert.equal(l.default_filter_chain?.name, 'virtualInbound');
  });

  it('Should apply port-level mTLS to the workload port it names', () => {
    const policy = peerAuthentication('default', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '5432': { mode: 'DISABLE' } } });
    const l = virtualInbound([policy]);
    assert.deepEqual(summary(chainsOf(l, 9080)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
    assert.deepEqual(summary(chainsOf(l, 5432)), [{ transport: undefined, alpn: undefined, mtls: false }]);
  });

  it("Should split undeclared ports' passthrough by the workload's mode: mTLS only under STRICT", () => {
    const strict = virtualInbound([modePolicy('istio-system', 'default', 'STRICT')]);
    assert.equal(strict.default_filter_chain, undefined);
    assert.deepEqual(summary(passthroughOf(strict)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
    assert.deepEqual(passthroughOf(strict).map((c) => c.name), ['virtualInbound']);
    const permissive = passthroughOf(virtualInbound([]));
    assert.deepEqual(summary(permissive).map((c) => [c.transport, c.mtls]), [['tls', true], ['raw_buffer', false], ['tls', false]]);
  });

  it("Should require mTLS on an undeclared port that port-level mTLS makes STRICT, ahead of the passthrough chains that keep the workload's mode", () => {
    for (const mode of ['PERMISSIVE', 'DISABLE'] as const) {
      const l = virtualInbound([reviewsPolicy(mode, { '9000': { mode: 'STRICT' }, '15006': { mode: 'STRICT' } })]);
      const on9000 = chainsOf(l, 9000);
      assert.deepEqual(summary(on9000), [{ transport: 'tls', alpn: undefined, mtls: true }], mode);
      assert.deepEqual(on9000.map((c) => c.filters?.at(-1)?.name), ['envoy.filters.network.tcp_proxy']);
      // No default chain: Envoy would hand it the plaintext connections to 9000 that no chain matches.
      assert.equal(l.default_filter_chain, undefined, mode);
      const passthrough = passthroughOf(l);
      const expected = mode === 'PERMISSIVE' ? [['tls', true], ['raw_buffer', false], ['tls', false]] : [[undefined, false]];
      assert.deepEqual(summary(passthrough).map((c) => [c.transport, c.mtls]), expected, mode);
      const chains = l.filter_chains ?? [];
      assert.ok(chains.indexOf(on9000[0]!) < chains.indexOf(passthrough[0]!), mode);
      assert.equal(chainsOf(l, 15006).length, 1, 'the capture port keeps only its blackhole chain');
    }
  });

  it('Should drop the default chain when a declared port is STRICT under a DISABLE workload, so plaintext to it has no chain', () => {
    const l = virtualInbound([reviewsPolicy('DISABLE', { '9080': { mode: 'STRICT' } })]);
    assert.deepEqual(summary(chainsOf(l, 9080)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
    assert.equal(l.default_filter_chain, undefined);
    assert.deepEqual(summary(passthroughOf(l)), [{ transport: undefined, alpn: undefined, mtls: false }]);
  });

  it("Should apply a selector policy in the root namespace to a sidecar there that it selects", () => {
    const root = peerAuthentication('istio-system', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } });
    assert.deepEqual(summary(chainsOf(virtualInbound([root], 'istio-system'), 9080)), [{ transport: 'tls', alpn: undefined, mtls: true }]);
    assert.equal(chainsOf(virtualInbound([root], 'default'), 9080).length, 2);
  });

  it('Should keep the TLS inspector before any chain is chosen', () => {
    const filters = virtualInbound([]).listener_filters?.map((f) => f.name);
    assert.deepEqual(filters, ['envoy.filters.listener.original_dst', 'envoy.filters.listener.tls_inspector']);
  });

  it("Should leave a gateway's listeners as they are", () => {
    const gw = gateway('gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const push = testPush({ resources: [gw, modePolicy('istio-system', 'default', 'STRICT')] });
    const proxy = fakeProxy({ type: 'router', labels: { istio: 'ingressgateway' } });
    const [listener] = createGatewayLdsGenerator({ security: ISTIO_LISTENER_SECURITY }).generate(proxy, push, undefined);
    const chains = (listener?.message as Listener).filter_chains ?? [];
    assert.ok(chains.length > 0);
    assert.ok(chains.every((c) => !c.transport_socket && !c.filter_chain_match?.transport_protocol));
  });
});

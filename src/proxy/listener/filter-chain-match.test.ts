import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ListenerConfig } from '../config/listener.js';
import { createFilterChainSelector, type FilterChainMatchProps } from './filter-chain-match.js';
import { chain, GATEWAY_443, listener, SNIFFED_3000, VIRTUAL_INBOUND, VIRTUAL_INBOUND_MTLS, VIRTUAL_OUTBOUND } from './listener-fixtures.js';

const BASE: FilterChainMatchProps = {
  destinationAddress: '10.0.0.11', destinationPort: 9080, transportProtocol: 'raw_buffer',
  applicationProtocols: [], sourceAddress: '10.0.0.9', sourcePort: 40000,
};

const cases: [string, ListenerConfig, Partial<FilterChainMatchProps>, string | undefined][] = [
  ['virtualOutbound blackholes its own port', VIRTUAL_OUTBOUND, { destinationPort: 15001 }, 'virtualOutbound-blackhole'],
  ['virtualOutbound passes other ports through', VIRTUAL_OUTBOUND, { destinationPort: 5432 }, 'PassthroughFilterChain'],
  ['virtualInbound serves the app port with its HTTP chain', VIRTUAL_INBOUND, { destinationPort: 9080 }, '0.0.0.0_9080'],
  ['virtualInbound blackholes its own port', VIRTUAL_INBOUND, { destinationPort: 15006 }, 'virtualInbound-blackhole'],
  ['virtualInbound passes unknown ports to InboundPassthroughCluster', VIRTUAL_INBOUND, { destinationPort: 8081 }, 'virtualInbound'],
  ['mTLS inbound takes the Istio ALPN chain for istio-http/1.1', VIRTUAL_INBOUND_MTLS, { transportProtocol: 'tls', applicationProtocols: ['istio-http/1.1', 'istio'] }, '0.0.0.0_9080-mtls'],
  ['mTLS inbound takes the TLS TCP chain for other ALPNs', VIRTUAL_INBOUND_MTLS, { transportProtocol: 'tls', applicationProtocols: ['istio'] }, '0.0.0.0_9080-mtls-tcp'],
  ['mTLS inbound takes the plaintext chain for raw bytes', VIRTUAL_INBOUND_MTLS, {}, '0.0.0.0_9080-plain'],
  ['gateway prefers an exact server name', GATEWAY_443, { serverName: 'bookinfo.example.com' }, 'bookinfo'],
  ['gateway compares server names without case', GATEWAY_443, { serverName: 'BookInfo.Example.COM' }, 'bookinfo'],
  ['gateway takes the longest wildcard', GATEWAY_443, { serverName: 'v1.api.example.com' }, 'wild-api'],
  ['gateway takes a shorter wildcard when the longer does not fit', GATEWAY_443, { serverName: 'shop.example.com' }, 'wild-example'],
  ['a wildcard does not match the bare domain', GATEWAY_443, { serverName: 'example.com' }, 'catch-all'],
  ['gateway without SNI takes the chain without names', GATEWAY_443, {}, 'catch-all'],
  ['an exact name with the wrong ALPN does not fall back to the catch-all', GATEWAY_443, { serverName: 'grpc.example.com', applicationProtocols: ['http/1.1'] }, undefined],
  ['an exact name with its ALPN matches', GATEWAY_443, { serverName: 'grpc.example.com', applicationProtocols: ['http/1.1', 'h2'] }, 'h2-only'],
  ['sniffed HTTP to a service address takes its HTTP chain', SNIFFED_3000, { destinationAddress: '10.96.0.20', applicationProtocols: ['http/1.1'] }, 'web-http'],
  ['non-HTTP to a service address takes its TCP chain', SNIFFED_3000, { destinationAddress: '10.96.0.20' }, 'web-tcp'],
  ['the longest prefix wins over a shorter one', SNIFFED_3000, { destinationAddress: '10.96.3.4' }, 'subnet-tcp'],
  ['IPv6 destinations match IPv6 ranges', SNIFFED_3000, { destinationAddress: 'fd12::1' }, 'v6-tcp'],
  ['an IPv4-mapped IPv6 destination matches IPv4 ranges', SNIFFED_3000, { destinationAddress: '::ffff:10.96.0.20' }, 'web-tcp'],
  ['sniffed HTTP to another address takes the port HTTP chain', SNIFFED_3000, { destinationAddress: '192.168.1.1', applicationProtocols: ['h2c'] }, '0.0.0.0_3000'],
  ['a prefix match wins over a protocol match on chains without prefixes', SNIFFED_3000, { destinationAddress: '10.96.1.1', applicationProtocols: ['http/1.1'] }, 'subnet-tcp'],
  ['unknown bytes to another address match nothing', SNIFFED_3000, { destinationAddress: '192.168.1.1' }, undefined],
];

for (const [name, config, props, expected] of cases) {
  test(`Should pick the right chain: ${name}`, () => {
    assert.equal(createFilterChainSelector(config).select({ ...BASE, ...props })?.name, expected);
  });
}

test('Should match source type, then source prefix, then source port, most specific first', () => {
  const config = listener('sources', {
    filterChains: [
      chain('local', { sourceType: 'SAME_IP_OR_LOOPBACK' }, 'a'),
      chain('ext-port', { sourceType: 'EXTERNAL', sourcePrefixRanges: [{ address: '192.168.0.0', prefixLen: 16 }], sourcePorts: [5000] }, 'b'),
      chain('ext-range', { sourceType: 'EXTERNAL', sourcePrefixRanges: [{ address: '192.168.0.0', prefixLen: 16 }] }, 'c'),
      chain('ext', { sourceType: 'EXTERNAL' }, 'd'),
    ],
  });
  const select = createFilterChainSelector(config);
  assert.equal(select.select({ ...BASE, sourceAddress: '127.0.0.1' })?.name, 'local');
  assert.equal(select.select({ ...BASE, sourceAddress: '10.0.0.11' })?.name, 'local', 'same IP as the destination');
  assert.equal(select.select({ ...BASE, sourceAddress: '192.168.4.4', sourcePort: 5000 })?.name, 'ext-port');
  assert.equal(select.select({ ...BASE, sourceAddress: '192.168.4.4', sourcePort: 5001 })?.name, 'ext-range');
  assert.equal(select.select({ ...BASE, sourceAddress: '172.16.0.1' })?.name, 'ext');
});

test('Should keep the first of two chains with the same match', () => {
  const config = listener('dupes', { filterChains: [chain('first', { destinationPort: 80 }, 'a'), chain('second', { destinationPort: 80 }, 'b')] });
  assert.equal(createFilterChainSelector(config).select({ ...BASE, destinationPort: 80 })?.name, 'first');
});

test('Should return undefined when nothing matches and there is no default chain', () => {
  const config = listener('none', { filterChains: [chain('only-80', { destinationPort: 80 }, 'a')] });
  assert.equal(createFilterChainSelector(config).select(BASE), undefined);
});

test('Should ignore an invalid CIDR instead of failing the listener', () => {
  const config = listener('bad-cidr', { filterChains: [chain('bad', { prefixRanges: [{ address: 'not-an-ip', prefixLen: 8 }] }, 'a')] });
  assert.equal(createFilterChainSelector(config).select(BASE)?.name, 'bad');
});

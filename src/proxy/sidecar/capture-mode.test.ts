import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfig } from '../config/cluster.js';
import { captureBindAddress, captureInboundClusters, captureInboundSource } from './capture-mode.js';

function cluster(name: string, extra: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name,
    type: 'STATIC',
    connectTimeoutMs: 10_000,
    lbPolicy: 'ROUND_ROBIN',
    leastRequestChoiceCount: 2,
    circuitBreakers: { maxConnections: 1, maxPendingRequests: 1, maxRequests: 1, maxRetries: 1 },
    upstreamProtocol: 'http1',
    transportSocketMatches: [],
    loadAssignment: { clusterName: name, localities: [] },
    ...extra,
  };
}

describe('captureInboundClusters', () => {
  it('Should send inbound clusters to the original destination from the inbound source address', () => {
    const input = new Map([
      ['inbound|8080||', cluster('inbound|8080||', { serviceHost: 'svc-b.default.svc.cluster.local' })],
      ['outbound|8080||svc-b.default.svc.cluster.local', cluster('outbound|8080||svc-b.default.svc.cluster.local', { type: 'EDS' })],
      ['InboundPassthroughCluster', cluster('InboundPassthroughCluster', { type: 'ORIGINAL_DST', upstreamBindAddress: '127.0.0.6' })],
    ]);
    const out = captureInboundClusters(input, '127.0.0.6');
    const inbound = out.get('inbound|8080||')!;
    assert.equal(inbound.type, 'ORIGINAL_DST');
    assert.equal(inbound.lbPolicy, 'CLUSTER_PROVIDED');
    assert.equal(inbound.upstreamBindAddress, '127.0.0.6');
    assert.equal(inbound.loadAssignment, undefined);
    assert.equal(inbound.serviceHost, 'svc-b.default.svc.cluster.local');
    assert.equal(out.get('outbound|8080||svc-b.default.svc.cluster.local'), input.get('outbound|8080||svc-b.default.svc.cluster.local'));
    assert.equal(out.get('InboundPassthroughCluster'), input.get('InboundPassthroughCluster'));
  });

  it('Should pick ::6 and a dual-stack bind for an IPv6 workload', () => {
    assert.equal(captureInboundSource('10.0.0.2'), '127.0.0.6');
    assert.equal(captureInboundSource('fd00::2'), '::6');
    assert.equal(captureBindAddress('0.0.0.0', 'fd00::2'), '::');
    assert.equal(captureBindAddress('0.0.0.0', '10.0.0.2'), '0.0.0.0');
    assert.equal(captureBindAddress('10.0.0.2', 'fd00::2'), '10.0.0.2');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfig } from '../config/cluster.js';
import { createUpstreamCluster, type UpstreamClusterDeps } from './cluster.js';
import { makeAssignment, seededRandom } from './lb-conformance.js';

const MAX = 2 ** 32 - 1;

function config(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name: 'outbound|9080||reviews.default.svc.cluster.local',
    type: 'EDS',
    connectTimeoutMs: 10_000,
    lbPolicy: 'LEAST_REQUEST',
    leastRequestChoiceCount: 2,
    circuitBreakers: { maxConnections: MAX, maxPendingRequests: 1, maxRequests: MAX, maxRetries: MAX },
    upstreamProtocol: 'http1',
    transportSocketMatches: [],
    ...overrides,
  };
}

/** Timers that record what is scheduled and never fire on their own. */
function fakeDeps(): UpstreamClusterDeps & { live: Set<number> } {
  const live = new Set<number>();
  let id = 0;
  const add = (): number => {
    live.add(++id);
    return id;
  };
  const remove = (h: unknown): void => {
    live.delete(h as number);
  };
  return {
    live,
    clock: { now: () => 5_000 },
    random: seededRandom(4),
    timers: { setInterval: add, clearInterval: remove, setTimeout: add, clearTimeout: remove },
  };
}

describe('UpstreamCluster', () => {
  it('Should pick nothing until EDS sends endpoints, then pick among them', () => {
    const cluster = createUpstreamCluster(config(), fakeDeps());
    assert.equal(cluster.pickHost({}), undefined);
    cluster.updateEndpoints(makeAssignment([{ address: '10.0.0.7' }, { address: '10.0.1.7' }]));
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(cluster.pickHost({})!.key);
    assert.deepEqual([...seen].sort(), ['10.0.0.7:9080', '10.0.1.7:9080']);
    cluster.close();
  });

  it('Should start a STATIC cluster with its inline endpoints', () => {
    const cluster = createUpstreamCluster(
      config({ name: 'inbound|9080||', type: 'STATIC', loadAssignment: makeAssignment([{ address: '127.0.0.1', port: 9080 }], 'inbound|9080||') }),
      fakeDeps(),
    );
    assert.equal(cluster.pickHost({})!.key, '127.0.0.1:9080');
    cluster.close();
  });

  it('Should eject through outlier detection and keep the ejection across an EDS update', () => {
    const deps = fakeDeps();
    const cluster = createUpstreamCluster(
      config({
        outlierDetection: {
          consecutive5xx: 1,
          consecutiveGatewayFailure: 0,
          enforcingConsecutive5xx: 100,
          enforcingConsecutiveGatewayFailure: 0,
          intervalMs: 1000,
          baseEjectionTimeMs: 180_000,
          maxEjectionPercent: 100,
          splitExternalLocalOriginErrors: false,
          consecutiveLocalOriginFailure: 5,
        },
      }),
      deps,
    );
    cluster.updateEndpoints(makeAssignment([{ address: '10.0.0.7' }, { address: '10.0.1.7' }]));
    const bad = cluster.hostSet.get('10.0.0.7:9080')!;
    cluster.reportResult(bad, { status: 500 });
    cluster.updateEndpoints(makeAssignment([{ address: '10.0.0.7' }, { address: '10.0.1.7' }, { address: '10.0.2.7' }]));
    for (let i = 0; i < 50; i++) assert.notEqual(cluster.pickHost({})!.key, '10.0.0.7:9080');
    const statuses = cluster.hostStatuses();
    assert.deepEqual(
      statuses.map((s) => [`${s.address}:${s.port}`, s.healthFlags]),
      [
        ['10.0.0.7:9080', '/failed_outlier_check'],
        ['10.0.1.7:9080', 'healthy'],
        ['10.0.2.7:9080', 'healthy'],
      ],
    );
    const stats = cluster.stats();
    assert.equal(stats.membership_total, 3);
    assert.equal(stats.membership_healthy, 2);
    assert.equal(stats.outlier!.ejections_active, 1);
    assert.equal(deps.live.size, 1);
    cluster.close();
    assert.equal(deps.live.size, 0, 'close stops the outlier timer');
  });

  it('Should report host counters and breaker overflow for the admin', () => {
    const cluster = createUpstreamCluster(config(), fakeDeps());
    cluster.updateEndpoints(makeAssignment([{ address: '10.0.0.7', health: 'DEGRADED' }, { address: '10.0.1.7', health: 'DRAINING' }]));
    const host = cluster.pickHost({})!;
    host.onRequestStart();
    host.onRequestStart();
    host.onRequestEnd(true);
    assert.equal(cluster.circuitBreaker.tryAcquire('pending'), true);
    assert.equal(cluster.circuitBreaker.tryAcquire('pending'), false);
    const [first, second] = cluster.hostStatuses();
    assert.deepEqual(
      [first!.healthFlags, first!.rq_active, first!.rq_total, first!.rq_error, first!.rq_success],
      ['/degraded_eds_health', 1, 2, 1, 0],
    );
    assert.equal(second!.healthFlags, '/failed_eds_health');
    const stats = cluster.stats();
    assert.equal(stats.membership_degraded, 1);
    assert.equal(stats.overflow.upstream_rq_pending_overflow, 1);
    assert.equal(stats.remaining_pending, 0);
    assert.equal(stats.outlier, undefined);
    cluster.close();
  });

  it('Should have no load balancer for an ORIGINAL_DST cluster', () => {
    const cluster = createUpstreamCluster(config({ name: 'PassthroughCluster', type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED' }), fakeDeps());
    assert.equal(cluster.pickHost({}), undefined);
    cluster.close();
  });

  it('Should hold hosts back until their first active health check passes, and stop checking on close', () => {
    const deps = fakeDeps();
    const cluster = createUpstreamCluster(
      config({ healthCheck: { intervalMs: 1000, timeoutMs: 1000, unhealthyThreshold: 2, healthyThreshold: 2 } }),
      deps,
    );
    // Port 1 on loopback refuses the connection, so the first check fails quickly.
    cluster.updateEndpoints(makeAssignment([{ address: '127.0.0.1', port: 1 }]));
    assert.equal(cluster.hostStatuses()[0]!.healthFlags, '/failed_active_hc');
    assert.equal(cluster.pickHost({}), undefined);
    cluster.close();
    assert.equal(deps.live.size, 0);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { OutlierDetectionSettings } from '../../../api/index.js';
import { applyOutlierDetection } from './outlier-detection.js';
import { createFakePushContext, fakeDestinationRule } from '../shared/fake-push-context.js';
import { REVIEWS, clusterNamed, clustersFor, reviewsService } from './cluster-fixtures.js';

function applied(settings: OutlierDetectionSettings | undefined, grpc = false): Cluster {
  const cluster: Cluster = { name: 'c', type: 'EDS' };
  applyOutlierDetection(cluster, settings, grpc);
  return cluster;
}

describe('outlier detection', () => {
  it('Should leave outlier detection off when the DestinationRule does not configure it', () => {
    const c = applied(undefined);
    assert.equal(c.outlier_detection, undefined);
    assert.equal(c.common_lb_config, undefined);
  });

  it("Should write Istio's defaults when the block is present but empty: 5 x 5xx, 10s, 30s, 10%, no success rate, no panic", () => {
    const c = applied({});
    assert.deepEqual(c.outlier_detection, {
      enforcing_success_rate: { value: 0 },
      consecutive_5xx: { value: 5 },
      enforcing_consecutive_5xx: { value: 100 },
      interval: { seconds: 10 },
      base_ejection_time: { seconds: 30 },
      max_ejection_percent: { value: 10 },
    });
    assert.deepEqual(c.common_lb_config, { healthy_panic_threshold: { value: 0 } });
  });

  it('Should map each configured field, enforcing gateway errors only when they are set', () => {
    const c = applied({ consecutive5xxErrors: 2, consecutiveGatewayErrors: 3, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 50, minHealthPercent: 30 });
    const o = c.outlier_detection;
    assert.deepEqual([o?.consecutive_5xx, o?.consecutive_gateway_failure, o?.enforcing_consecutive_gateway_failure], [{ value: 2 }, { value: 3 }, { value: 100 }]);
    assert.deepEqual([o?.interval, o?.base_ejection_time, o?.max_ejection_percent], [{ seconds: 1 }, { seconds: 180 }, { value: 50 }]);
    assert.deepEqual(c.common_lb_config?.healthy_panic_threshold, { value: 30 });
    assert.equal(applied({}).outlier_detection?.consecutive_gateway_failure, undefined);
  });

  it('Should disable 5xx ejection, not default it, when consecutive5xxErrors is 0', () => {
    const o = applied({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 4 }).outlier_detection;
    assert.deepEqual([o?.consecutive_5xx, o?.enforcing_consecutive_5xx], [{ value: 0 }, { value: 0 }]);
  });

  it('Should add failure-percentage ejection for gRPC clients, which count failures rather than consecutive errors', () => {
    const o = applied({ consecutive5xxErrors: 3 }, true).outlier_detection;
    assert.deepEqual(
      [o?.enforcing_failure_percentage, o?.failure_percentage_threshold, o?.failure_percentage_request_volume, o?.failure_percentage_minimum_hosts],
      [{ value: 100 }, { value: 50 }, { value: 3 }, { value: 1 }],
    );
    assert.equal(applied({ consecutive5xxErrors: 3 }).outlier_detection?.enforcing_failure_percentage, undefined);
  });

  it('Should pack a configured outlier detection through the Cluster type', () => {
    const rule = fakeDestinationRule('reviews', { host: REVIEWS, trafficPolicy: { outlierDetection: { consecutive5xxErrors: 7, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 2 } } });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule] })), `outbound|9080||${REVIEWS}`);
    assert.deepEqual(c.outlier_detection?.consecutive_local_origin_failure, { value: 2 });
    assert.equal(c.outlier_detection?.split_external_local_origin_errors, true);
  });
});

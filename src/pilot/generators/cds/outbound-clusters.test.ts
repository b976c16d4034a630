import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy, fakeService } from '../shared/fake-push-context.js';
import { HTTP_9080, REVIEWS, clusterNamed, clustersFor, httpOptionsOfCluster, reviewsService } from './cluster-fixtures.js';

const DEFAULT = `outbound|9080||${REVIEWS}`;

describe('outbound clusters', () => {
  it('Should build an EDS cluster fed by ADS under its own name for a STATIC service', () => {
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService] })), DEFAULT);
    assert.equal(c.type, 'EDS');
    assert.deepEqual(c.eds_cluster_config, { service_name: DEFAULT, eds_config: { ads: {}, resource_api_version: 'V3' } });
    assert.equal(c.load_assignment, undefined);
  });

  it("Should default every circuit-breaker limit to Istio's 4294967295, not Envoy's 1024", () => {
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService] })), DEFAULT);
    assert.deepEqual(c.circuit_breakers, {
      thresholds: [{
        max_connections: { value: 4294967295 },
        max_pending_requests: { value: 4294967295 },
        max_requests: { value: 4294967295 },
        max_retries: { value: 4294967295 },
        track_remaining: true,
      }],
    });
  });

  it('Should use LEAST_REQUEST and the mesh connect timeout of 10s by default', () => {
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService] })), DEFAULT);
    assert.equal(c.lb_policy, 'LEAST_REQUEST');
    assert.deepEqual(c.connect_timeout, { seconds: 10 });
    assert.equal(c.outlier_detection, undefined);
  });

  it('Should build one cluster per DestinationRule subset, after the default cluster', () => {
    const rule = fakeDestinationRule('reviews', { host: REVIEWS, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] });
    const names = [...clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule] })).keys()].filter((n) => n.startsWith('outbound|'));
    assert.deepEqual(names, [DEFAULT, `outbound|9080|v1|${REVIEWS}`, `outbound|9080|v2|${REVIEWS}`]);
  });

  it('Should give a subset its own policy merged over the top-level one', () => {
    const rule = fakeDestinationRule('reviews', {
      host: REVIEWS,
      trafficPolicy: { loadBalancer: { simple: 'RANDOM' }, connectionPool: { tcp: { maxConnections: 7 } } },
      subsets: [{ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }],
    });
    const clusters = clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule] }));
    const top = clusterNamed(clusters, DEFAULT);
    const v2 = clusterNamed(clusters, `outbound|9080|v2|${REVIEWS}`);
    assert.equal(top.lb_policy, 'RANDOM');
    assert.equal(v2.lb_policy, 'ROUND_ROBIN');
    assert.deepEqual(v2.circuit_breakers?.thresholds?.[0]?.max_connections, { value: 7 });
  });

  it('Should apply portLevelSettings to their port only, without inheriting the top-level policy', () => {
    const svc = fakeService(REVIEWS, [HTTP_9080, { name: 'http-admin', port: 9090, protocol: 'HTTP' }]);
    const rule = fakeDestinationRule('reviews', {
      host: REVIEWS,
      trafficPolicy: {
        loadBalancer: { simple: 'RANDOM' },
        outlierDetection: { consecutive5xxErrors: 3 },
        portLevelSettings: [{ port: { number: 9090 }, loadBalancer: { simple: 'ROUND_ROBIN' } }],
      },
    });
    const clusters = clustersFor(createFakePushContext({ services: [svc], destinationRules: [rule] }));
    const p9080 = clusterNamed(clusters, DEFAULT);
    const p9090 = clusterNamed(clusters, `outbound|9090||${REVIEWS}`);
    assert.equal(p9080.lb_policy, 'RANDOM');
    assert.deepEqual(p9080.outlier_detection?.consecutive_5xx, { value: 3 });
    assert.equal(p9090.lb_policy, 'ROUND_ROBIN');
    assert.equal(p9090.outlier_detection, undefined);
  });

  it('Should map connectionPool limits and connect timeout to circuit breakers and connect_timeout', () => {
    const rule = fakeDestinationRule('reviews', {
      host: REVIEWS,
      trafficPolicy: {
        connectionPool: {
          tcp: { maxConnections: 100, connectTimeout: '250ms' },
          http: { http1MaxPendingRequests: 10, http2MaxRequests: 20, maxRetries: 3 },
        },
      },
    });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule] })), DEFAULT);
    assert.deepEqual(c.connect_timeout, { seconds: 0, nanos: 250_000_000 });
    const t = c.circuit_breakers?.thresholds?.[0];
    assert.deepEqual([t?.max_connections, t?.max_pending_requests, t?.max_requests, t?.max_retries], [{ value: 100 }, { value: 10 }, { value: 20 }, { value: 3 }]);
  });

  it('Should put idleTimeout and maxRequestsPerConnection in the upstream HttpProtocolOptions', () => {
    const rule = fakeDestinationRule('reviews', {
      host: REVIEWS,
      trafficPolicy: { connectionPool: { http: { idleTimeout: '30s', maxRequestsPerConnection: 1 } } },
    });
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [reviewsService], destinationRules: [rule] })), DEFAULT);
    const options = httpOptionsOfCluster(c);
    assert.equal(options?.common_http_protocol_options?.idle_timeout?.seconds, '30');
    assert.equal(options?.common_http_protocol_options?.max_requests_per_connection?.value, 1);
  });

  it('Should speak HTTP/2 upstream on GRPC ports and when h2UpgradePolicy is UPGRADE', () => {
    const grpcSvc = fakeService('ratings.default.svc.cluster.local', [{ name: 'grpc', port: 7070, protocol: 'GRPC' }]);
    const rule = fakeDestinationRule('reviews', { host: REVIEWS, trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: 'UPGRADE' } } } });
    const clusters = clustersFor(createFakePushContext({ services: [reviewsService, grpcSvc], destinationRules: [rule] }));
    for (const name of [DEFAULT, 'outbound|7070||ratings.default.svc.cluster.local']) {
      const options = httpOptionsOfCluster(clusterNamed(clusters, name));
      assert.ok(options?.explicit_http_config?.http2_protocol_options, name);
    }
    const plain = clustersFor(createFakePushContext({ services: [reviewsService] }));
    assert.equal(httpOptionsOfCluster(clusterNamed(plain, DEFAULT)), undefined);
  });

  it("Should use the client's protocol on a sidecar's UNKNOWN-protocol port", () => {
    const svc = fakeService('db.default.svc.cluster.local', [{ name: 'db', port: 5432, protocol: 'UNKNOWN' }]);
    const c = clusterNamed(clustersFor(createFakePushContext({ services: [svc] })), 'outbound|5432||db.default.svc.cluster.local');
    assert.ok(httpOptionsOfCluster(c)?.use_downstream_protocol_config);
  });

  it('Should carry Istio cluster metadata naming the service, subset and DestinationRule', () => {
    const rule = fakeDestinationRule('reviews', { host: REVIEWS, subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    const push = createFakePushContext({ services: [reviewsService], destinationRules: [rule], endpoints: [fakeEndpoint(REVIEWS, 9080, '10.1.0.1')] });
    const c = clusterNamed(clustersFor(push, fakeProxy()), `outbound|9080|v1|${REVIEWS}`);
    const istio = c.metadata?.filter_metadata?.istio?.fields;
    assert.equal(istio?.subset?.stringValue, 'v1');
    assert.equal(istio?.config?.stringValue, '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews');
    const svc = istio?.services?.listValue?.values?.[0]?.structValue?.fields;
    assert.deepEqual([svc?.host?.stringValue, svc?.name?.stringValue, svc?.namespace?.stringValue], [REVIEWS, 'reviews', 'default']);
  });
});

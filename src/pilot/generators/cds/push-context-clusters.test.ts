import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import type { ClusterLoadAssignment } from '../../../xds/generated/envoy/config/endpoint/v3/ClusterLoadAssignment.js';
import { DEFAULT_MESH_CONFIG } from '../../model/mesh-config.js';
import { createPushContext } from '../../push-context.js';
import { buildConfigRegistry } from '../../registry/config-registry.js';
import { proxyOf, snapshotOf } from '../../registry/testing.js';
import { endpointGenerator } from '../eds/endpoint-generator.js';
import { clusterGenerator } from './cluster-generator.js';

const YAML = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}]
  workloadSelector: {labels: {app: reviews}}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: reviews-v1, namespace: default}
spec: {address: 10.1.0.1, labels: {app: reviews, version: v1}, serviceAccount: bookinfo-reviews, locality: us-east/a}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: reviews-v2, namespace: default}
spec: {address: 10.1.0.2, labels: {app: reviews, version: v2}, serviceAccount: bookinfo-reviews, locality: us-east/b}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {http: {http2MaxRequests: 50}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}
`;

describe('clusters and endpoints from the real push context', () => {
  it('Should build Istio-named clusters and subset endpoints for ServiceEntry, WorkloadEntry and DestinationRule YAML', () => {
    const config = snapshotOf(YAML);
    const push = createPushContext({ version: '1', mesh: DEFAULT_MESH_CONFIG, config, registry: buildConfigRegistry(config) });
    const proxy = proxyOf({ name: 'productpage', workloadPorts: [{ port: 9080 }] });
    const clusters = new Map(clusterGenerator.generate(proxy, push, undefined).map((r) => [r.name, r.message as Cluster]));
    const host = 'reviews.default.svc.cluster.local';
    const names = [`outbound|9080||${host}`, `outbound|9080|v1|${host}`, `outbound|9080|v2|${host}`];
    for (const name of names) {
      const c = clusters.get(name);
      assert.equal(c?.type, 'EDS', name);
      assert.deepEqual(c?.circuit_breakers?.thresholds?.[0]?.max_requests, { value: 50 });
    }
    assert.equal(clusters.get(names[2]!)?.lb_policy, 'ROUND_ROBIN');
    assert.equal(clusters.get(names[1]!)?.lb_policy, 'LEAST_REQUEST');
    assert.ok(clusters.has('inbound|9080||'));

    const [all, v1, v2] = endpointGenerator.generate(proxy, push, names).map((r) => r.message as ClusterLoadAssignment);
    const addressesOf = (cla: ClusterLoadAssignment | undefined) =>
      (cla?.endpoints ?? []).flatMap((l) => (l.lb_endpoints ?? []).map((e) => e.endpoint?.address?.socket_address?.address));
    assert.deepEqual(addressesOf(all), ['10.1.0.1', '10.1.0.2']);
    assert.deepEqual(addressesOf(v1), ['10.1.0.1']);
    assert.deepEqual(addressesOf(v2), ['10.1.0.2']);
    assert.deepEqual(v2?.endpoints?.[0]?.locality, { region: 'us-east', zone: 'b' });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { createSnapshot, type ConfigSnapshot } from '../../../galley/index.js';
import { DEFAULT_MESH_CONFIG } from '../../model/mesh-config.js';
import type { PushContext } from '../../model/push-context.js';
import { createPushContext } from '../../push-context.js';
import { createConfigRegistry } from '../../registry/config-registry.js';
import { proxyOf, snapshotOf } from '../../registry/testing.js';
import type { XdsResource } from '../generator.js';
import { buildClusters } from './build-clusters.js';
import { createOutboundClusterCache } from './cluster-cache.js';
import { clusterResource, createClusterGenerator } from './cluster-generator.js';

const serviceYaml = (name: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: default}
spec:
  hosts: [${name}.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{name: http, number: 9080, protocol: HTTP}]
  endpoints:
  - {address: 10.1.0.1, labels: {version: v1}, serviceAccount: ${name}}
  - {address: 10.1.0.2, labels: {version: v2}, serviceAccount: ${name}}
`;
const ruleYaml = (name: string, maxRequests: number) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec:
  host: ${name}
  trafficPolicy:
    connectionPool: {http: {http2MaxRequests: ${maxRequests}}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;

const proxy = proxyOf({ name: 'productpage', workloadPorts: [{ port: 9080 }] });
const REVIEWS = 'outbound|9080|v1|reviews.default.svc.cluster.local';
const RATINGS = 'outbound|9080|v1|ratings.default.svc.cluster.local';

/** A snapshot holding `base`'s entries with `yaml`'s resources added or replacing theirs, as Galley publishes a change. */
function changed(base: ConfigSnapshot, yaml: string, drop: readonly string[] = []): ConfigSnapshot {
  const kept = base.all().filter((e) => !drop.includes(e.resource.metadata.name));
  return createSnapshot(base.version + 1, [...kept, ...snapshotOf(yaml).all()]);
}

function mesh(initial: ConfigSnapshot) {
  const registry = createConfigRegistry(initial);
  let n = 0;
  return {
    push(config: ConfigSnapshot): PushContext {
      registry.update(config);
      return createPushContext({ version: String(++n), mesh: DEFAULT_MESH_CONFIG, config, registry });
    },
  };
}

const byName = (resources: readonly XdsResource[]) => new Map(resources.map((r) => [r.name, r]));
const maxRequests = (r: XdsResource | undefined) => (r?.message as Cluster).circuit_breakers?.thresholds?.[0]?.max_requests?.value;

describe('outbound clusters kept across pushes', () => {
  const first = snapshotOf(serviceYaml('reviews') + '---' + ruleYaml('reviews', 10) + '---' + serviceYaml('ratings') + '---' + ruleYaml('ratings', 20));

  it('Should reuse the packed clusters of an unchanged service in a new push', () => {
    const generator = createClusterGenerator();
    const m = mesh(first);
    const a = byName(generator.generate(proxy, m.push(first), undefined));
    const b = byName(generator.generate(proxy, m.push(first), undefined));
    assert.equal(b.get(REVIEWS), a.get(REVIEWS));
    assert.equal(b.get(RATINGS), a.get(RATINGS));
    assert.notEqual(b.get('BlackHoleCluster'), undefined);
  });

  it('Should regenerate the clusters of a changed DestinationRule and keep the others', () => {
    const generator = createClusterGenerator();
    const m = mesh(first);
    const a = byName(generator.generate(proxy, m.push(first), undefined));
    const b = byName(generator.generate(proxy, m.push(changed(first, ruleYaml('reviews', 99))), undefined));
    assert.notEqual(b.get(REVIEWS), a.get(REVIEWS));
    assert.equal(maxRequests(a.get(REVIEWS)), 10);
    assert.equal(maxRequests(b.get(REVIEWS)), 99);
    assert.equal(b.get(RATINGS), a.get(RATINGS));
  });

  it('Should regenerate when the endpoints change, since clusters carry their service accounts', () => {
    const generator = createClusterGenerator();
    const m = mesh(first);
    const a = byName(generator.generate(proxy, m.push(first), undefined));
    const moved = serviceYaml('reviews').replace('serviceAccount: reviews\n', 'serviceAccount: reviews-canary\n');
    const b = byName(generator.generate(proxy, m.push(changed(first, moved)), undefined));
    assert.notEqual(b.get(REVIEWS), a.get(REVIEWS));
    assert.equal(b.get(RATINGS), a.get(RATINGS));
  });

  it('Should give what packing freshly built clusters gives, in the same order, for all and for named clusters', () => {
    const generator = createClusterGenerator();
    const m = mesh(first);
    m.push(first);
    const push = m.push(changed(first, ruleYaml('reviews', 7)));
    generator.generate(proxy, push, undefined);
    const again = m.push(push.config);
    const names = [RATINGS, 'outbound|9080||reviews.default.svc.cluster.local', 'PassthroughCluster'];
    for (const wanted of [undefined, names]) {
      const cached = generator.generate(proxy, again, wanted);
      const fresh = buildClusters(proxy, again, wanted).map(clusterResource);
      assert.deepEqual(cached.map((r) => r.name), fresh.map((r) => r.name));
      assert.deepEqual(cached.map((r) => Buffer.from(r.resource.value)), fresh.map((r) => Buffer.from(r.resource.value)));
    }
  });

  it('Should drop the clusters of a service that is gone once two pushes have not used it', () => {
    const cache = createOutboundClusterCache();
    const generator = createClusterGenerator(cache);
    const m = mesh(first);
    generator.generate(proxy, m.push(first), undefined);
    assert.equal(cache.size, 2);
    const without = changed(first, '', ['ratings']);
    generator.generate(proxy, m.push(without), undefined);
    assert.equal(cache.size, 2, 'the previous push may still be served');
    generator.generate(proxy, m.push(without), undefined);
    assert.equal(cache.size, 1);
  });
});

// The config Pilot generates for Bookinfo's productpage sidecar, checked against what an Istio
// config dump of the same mesh shows: resource names, domains and the weighted reviews route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSnapshot, parseConfigText } from '../galley/index.js';
import { sidecarRouteNames } from '../pilot/generators/rds/index.js';
import { parseProxy } from '../pilot/model/parse-proxy.js';
import { findGenerator } from '../pilot/server/index.js';
import { CLUSTER_TYPE, LISTENER_TYPE, ROUTE_TYPE, structFromJson } from '../xds/index.js';
import { createPilotParts } from './pilot-parts.js';

const SAMPLES = fileURLToPath(new URL('../../../samples/bookinfo/networking/', import.meta.url));

function serviceEntry(name: string, versions: string[]): string {
  const endpoints = versions
    .map((v, i) => `  - {address: 10.0.${i}.${name.length}, labels: {app: ${name}, version: ${v}}, serviceAccount: bookinfo-${name}}`)
    .join('\n');
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}}
spec:
  hosts: [${name}.default.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 9080, name: http, protocol: HTTP}]
  endpoints:
${endpoints}
`;
}

function productpageConfig() {
  const docs = [
    serviceEntry('productpage', ['v1']),
    serviceEntry('details', ['v1']),
    serviceEntry('reviews', ['v1', 'v2', 'v3']),
    serviceEntry('ratings', ['v1']),
    ...['destination-rule-all.yaml', 'virtual-service-reviews-80-20.yaml'].map((f) => readFileSync(SAMPLES + f, 'utf8')),
  ];
  const results = parseConfigText(docs.join('---\n'), 'bookinfo.yaml').results;
  const entries = results.flatMap((r) => (r.status === 'valid' ? [{ resource: r.resource }] : []));
  assert.equal(entries.length, results.length, 'the Bookinfo config is valid');
  const snapshot = createSnapshot(1, entries);
  const parts = createPilotParts(snapshot);
  const push = parts.createPushContext(snapshot, '1.1');
  const parsed = parseProxy({
    id: 'sidecar~10.0.0.11~productpage-v1.default~default.svc.cluster.local',
    metadata: structFromJson({
      NAMESPACE: 'default',
      LABELS: { app: 'productpage', version: 'v1' },
      POD_PORTS: JSON.stringify([{ name: 'http', containerPort: 9080, protocol: 'TCP' }]),
    }),
  } as Parameters<typeof parseProxy>[0]);
  assert.ok(parsed.ok);
  const proxy = parsed.proxy;
  const generate = (type: string, names?: readonly string[]) => findGenerator(parts.generators, proxy, type)!.generate(proxy, push, names);
  return { proxy, push, generate };
}

test('Should name Bookinfo clusters and listeners as an Istio config dump does', () => {
  const { generate } = productpageConfig();
  const clusters = generate(CLUSTER_TYPE).map((c) => c.name);
  for (const name of [
    'outbound|9080||reviews.default.svc.cluster.local',
    'outbound|9080|v1|reviews.default.svc.cluster.local',
    'outbound|9080|v3|reviews.default.svc.cluster.local',
    'outbound|9080|v2-mysql|ratings.default.svc.cluster.local',
    'BlackHoleCluster',
    'PassthroughCluster',
    'inbound|9080||',
  ]) {
    assert.ok(clusters.includes(name), `missing cluster ${name}: ${clusters.join(', ')}`);
  }
  assert.deepEqual(generate(LISTENER_TYPE).map((l) => l.name), ['virtualOutbound', '0.0.0.0_9080', 'virtualInbound']);
});

test('Should route reviews 80/20 to v1 and v2 under the route configuration named after the port', () => {
  const { proxy, push, generate } = productpageConfig();
  assert.deepEqual(sidecarRouteNames(proxy, push), ['9080']);
  const [routes] = generate(ROUTE_TYPE, ['9080']);
  const vhosts = (routes!.message as { virtual_hosts: Array<{ name: string; domains: string[]; routes: Array<{ route?: { weighted_clusters?: { clusters: Array<{ name: string; weight: { value: number } }> } } }> }> }).virtual_hosts;
  const reviews = vhosts.find((v) => v.name === 'reviews.default.svc.cluster.local:9080');
  assert.ok(reviews, vhosts.map((v) => v.name).join(', '));
  assert.deepEqual(reviews.domains, ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default']);
  assert.deepEqual(
    reviews.routes[0]?.route?.weighted_clusters?.clusters.map((c) => [c.name, c.weight.value]),
    [
      ['outbound|9080|v1|reviews.default.svc.cluster.local', 80],
      ['outbound|9080|v2|reviews.default.svc.cluster.local', 20],
    ],
  );
  assert.ok(vhosts.some((v) => v.name === 'allow_any'), 'ALLOW_ANY adds the passthrough virtual host');
});

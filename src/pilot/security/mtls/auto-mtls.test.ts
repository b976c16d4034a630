import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyResource, DestinationRuleSpec } from '../../../api/index.js';
import { createSnapshot, entriesOf } from '../../../galley/index.js';
import type { Cluster } from '../../../xds/generated/envoy/config/cluster/v3/Cluster.js';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../model/mesh-config.js';
import type { PushContext } from '../../model/push-context.js';
import type { ServiceEndpoint } from '../../model/service.js';
import { createClusterGenerator } from '../../generators/cds/cluster-generator.js';
import { REVIEWS, reviewsService, tlsContextOf } from '../../generators/cds/cluster-fixtures.js';
import { createFakePushContext, fakeDestinationRule, fakeEndpoint, fakeProxy } from '../../generators/shared/fake-push-context.js';
import { modePolicy, peerAuthentication } from './testing.js';

const CLUSTER = `outbound|9080||${REVIEWS}`;
const V1 = fakeEndpoint(REVIEWS, 9080, '10.1.0.1', { serviceAccount: 'reviews-v1', labels: { app: 'reviews', version: 'v1' }, port: 8080 });
const V2 = fakeEndpoint(REVIEWS, 9080, '10.1.0.2', { serviceAccount: 'reviews-v2', labels: { app: 'reviews', version: 'v2' }, port: 8080 });

interface Setup {
  readonly resources?: readonly AnyResource[];
  readonly endpoints?: readonly ServiceEndpoint[];
  readonly tls?: NonNullable<DestinationRuleSpec['trafficPolicy']>['tls'];
  readonly mesh?: Partial<MeshConfig>;
}

function pushOf(setup: Setup = {}): PushContext {
  const rules = setup.tls ? [fakeDestinationRule('reviews', { host: REVIEWS, trafficPolicy: { tls: setup.tls } })] : [];
  const endpoints = setup.endpoints ?? [V1, V2];
  const base = createFakePushContext({ services: [reviewsService], endpoints, destinationRules: rules, ...(setup.mesh ? { mesh: setup.mesh } : {}) });
  // The same endpoint list and mesh objects from push to push, as the registry and Pilot keep them,
  // so that the cross-push cluster cache would reuse a build if PeerAuthentication were not an input.
  return {
    ...base,
    ...(setup.mesh ? {} : { mesh: DEFAULT_MESH_CONFIG }),
    endpoints: () => endpoints,
    config: createSnapshot(1, entriesOf(setup.resources ?? [])),
  };
}

/** The reviews cluster through the CDS generator (packed with the strict field check). */
function reviewsCluster(push: PushContext, generator = createClusterGenerator()): Cluster {
  const found = generator.generate(fakeProxy(), push, [CLUSTER])[0];
  assert.ok(found, 'no reviews cluster');
  return found.message as Cluster;
}

const isAutoMtls = (c: Cluster) => c.transport_socket_matches?.[0]?.name === 'tlsMode-istio';
const isPlaintext = (c: Cluster) => !c.transport_socket && (c.transport_socket_matches ?? []).length === 0;
const byLabels = (name: string, labels: Record<string, string>, spec: object) =>
  peerAuthentication('default', name, { selector: { matchLabels: labels }, ...spec });

describe('auto mTLS and PeerAuthentication', () => {
  it("Should originate mTLS to the service's workloads verified by their SPIFFE IDs in the mesh trust domain", () => {
    const c = reviewsCluster(pushOf({ mesh: { trustDomain: 'example.org' } }));
    assert.ok(isAutoMtls(c));
    const ctx = tlsContextOf(c.transport_socket_matches?.[0]?.transport_socket?.typed_config);
    const sans = ctx.common_tls_context?.combined_validation_context?.default_validation_context?.match_subject_alt_names.map((m) => m.exact);
    assert.deepEqual(sans, ['spiffe://example.org/ns/default/sa/reviews-v1', 'spiffe://example.org/ns/default/sa/reviews-v2']);
  });

  it("Should keep mTLS when the server's namespace is STRICT or PERMISSIVE", () => {
    assert.ok(isAutoMtls(reviewsCluster(pushOf({ resources: [modePolicy('default', 'default', 'STRICT')] }))));
    assert.ok(isAutoMtls(reviewsCluster(pushOf({ resources: [modePolicy('istio-system', 'default', 'PERMISSIVE')] }))));
  });

  it("Should send plaintext when the server's namespace or the mesh is DISABLE", () => {
    assert.ok(isPlaintext(reviewsCluster(pushOf({ resources: [modePolicy('default', 'default', 'DISABLE')] }))));
    assert.ok(isPlaintext(reviewsCluster(pushOf({ resources: [modePolicy('istio-system', 'default', 'DISABLE')] }))));
    assert.ok(isPlaintext(reviewsCluster(pushOf({ resources: [modePolicy('default', 'default', 'DISABLE')], endpoints: [] }))));
  });

  it('Should send plaintext when a workload policy disables every endpoint, and keep mTLS when only some are', () => {
    const all = byLabels('reviews', { app: 'reviews' }, { mtls: { mode: 'DISABLE' } });
    assert.ok(isPlaintext(reviewsCluster(pushOf({ resources: [all] }))));
    const v1Only = byLabels('reviews-v1', { version: 'v1' }, { mtls: { mode: 'DISABLE' } });
    assert.ok(isAutoMtls(reviewsCluster(pushOf({ resources: [v1Only] }))));
  });

  it("Should read port-level mTLS at the endpoint's target port", () => {
    const onTarget = byLabels('reviews', { app: 'reviews' }, { portLevelMtls: { '8080': { mode: 'DISABLE' } } });
    assert.ok(isPlaintext(reviewsCluster(pushOf({ resources: [modePolicy('default', 'default', 'STRICT'), onTarget] }))));
    const onServicePort = byLabels('reviews', { app: 'reviews' }, { portLevelMtls: { '9080': { mode: 'DISABLE' } } });
    assert.ok(isAutoMtls(reviewsCluster(pushOf({ resources: [onServicePort] }))));
  });

  it('Should let a DestinationRule ISTIO_MUTUAL override a DISABLE server', () => {
    const c = reviewsCluster(pushOf({ resources: [modePolicy('default', 'default', 'DISABLE')], tls: { mode: 'ISTIO_MUTUAL' } }));
    assert.equal(c.transport_socket?.name, 'envoy.transport_sockets.tls');
  });

  it('Should rebuild a cached cluster when only PeerAuthentication changed between pushes', () => {
    const generator = createClusterGenerator();
    const endpoints = [V1, V2];
    assert.ok(isAutoMtls(reviewsCluster(pushOf({ endpoints }), generator)));
    assert.ok(isPlaintext(reviewsCluster(pushOf({ endpoints, resources: [modePolicy('default', 'default', 'DISABLE')] }), generator)));
  });
});

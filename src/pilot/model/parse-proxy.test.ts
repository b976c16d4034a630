import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node__Output } from '../../xds/index.js';
import { structFromJson, type JsonObject } from '../../xds/struct.js';
import { parseProxy } from './parse-proxy.js';
import type { Proxy } from './proxy.js';

/** A node as proto-loader decodes one; the metadata struct is built the way the wire carries it. */
function nodeOf(id: string, metadata: JsonObject = {}): Node__Output {
  return {
    id,
    cluster: '',
    metadata: structFromJson(metadata) as Node__Output['metadata'],
    locality: null,
    user_agent_name: '',
    extensions: [],
    client_features: [],
    listening_addresses: [],
    dynamic_parameters: {},
  };
}

function parsed(node: Node__Output): Proxy {
  const result = parseProxy(node);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.proxy;
}

test('Should read a sidecar from an Istio node id and its metadata', () => {
  const proxy = parsed(
    nodeOf('sidecar~10.0.0.1~reviews-v1-7f9.default~default.svc.cluster.local', {
      NAMESPACE: 'default',
      LABELS: { app: 'reviews', version: 'v1' },
      SERVICE_ACCOUNT: 'bookinfo-reviews',
      INSTANCE_IPS: '10.0.0.1,fd00::1',
      POD_PORTS: '[{"name":"http","containerPort":9080,"protocol":"TCP"}]',
      WORKLOAD_NAME: 'reviews-v1',
      CLUSTER_ID: 'Kubernetes',
    }),
  );
  assert.equal(proxy.type, 'sidecar');
  assert.equal(proxy.generator, 'envoy');
  assert.deepEqual(proxy.ipAddresses, ['10.0.0.1', 'fd00::1']);
  assert.equal(proxy.workloadName, 'reviews-v1');
  assert.equal(proxy.namespace, 'default');
  assert.equal(proxy.serviceAccount, 'bookinfo-reviews');
  assert.deepEqual(proxy.labels, { app: 'reviews', version: 'v1' });
  assert.equal(proxy.dnsDomain, 'default.svc.cluster.local');
  assert.deepEqual(proxy.workloadPorts, [{ name: 'http', port: 9080, protocol: 'TCP' }]);
  assert.equal(proxy.metadata['CLUSTER_ID'], 'Kubernetes');
  assert.equal(proxy.interceptionMode, 'NONE', 'a node that does not say is not captured');
});

test('Should read INTERCEPTION_MODE REDIRECT from a captured sidecar', () => {
  const proxy = parsed(nodeOf('sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local', { INTERCEPTION_MODE: 'REDIRECT' }));
  assert.equal(proxy.interceptionMode, 'REDIRECT');
});

test('Should take a router from the id, with namespace and IP from the id when metadata has none', () => {
  const proxy = parsed(nodeOf('router~10.0.0.9~istio-ingressgateway-5d.istio-system~istio-system.svc.cluster.local'));
  assert.equal(proxy.type, 'router');
  assert.equal(proxy.namespace, 'istio-system');
  assert.deepEqual(proxy.ipAddresses, ['10.0.0.9']);
  assert.equal(proxy.workloadName, 'istio-ingressgateway-5d');
  assert.equal(proxy.dnsDomain, 'istio-system.svc.cluster.local');
});

test('Should mark a proxyless gRPC client by its GENERATOR metadata', () => {
  const proxy = parsed(nodeOf('sidecar~10.0.0.3~client.prod~prod.svc.cluster.local', { GENERATOR: 'grpc' }));
  assert.equal(proxy.generator, 'grpc');
  assert.equal(proxy.namespace, 'prod');
});

test('Should accept a node id that is not in Istio form as a sidecar in the default namespace', () => {
  const proxy = parsed(nodeOf('my-grpc-client'));
  assert.equal(proxy.type, 'sidecar');
  assert.equal(proxy.namespace, 'default');
  assert.equal(proxy.workloadName, 'my-grpc-client');
  assert.deepEqual(proxy.ipAddresses, []);
  assert.equal(proxy.dnsDomain, 'default.svc.cluster.local');
});

test('Should take the namespace of a non-Istio node id from its metadata', () => {
  assert.equal(parsed(nodeOf('client-1', { NAMESPACE: 'shop' })).namespace, 'shop');
});

test('Should refuse a node with an empty id or an unknown Istio proxy type', () => {
  const empty = parseProxy(nodeOf(''));
  assert.ok(!empty.ok && /empty id/.test(empty.error));
  const bad = parseProxy(nodeOf('ztunnel~10.0.0.1~z.istio-system~istio-system.svc.cluster.local'));
  assert.ok(!bad.ok && /unknown proxy type "ztunnel"/.test(bad.error));
  assert.ok(!parseProxy(null).ok);
});

test('Should skip malformed metadata with warnings instead of refusing the proxy', () => {
  const result = parseProxy(
    nodeOf('sidecar~10.0.0.1~a.default~default.svc.cluster.local', {
      LABELS: 'app=a',
      INSTANCE_IPS: '10.0.0.1,not-an-ip',
      POD_PORTS: '[{"name":"http"}',
      SERVICE_ACCOUNT: 7,
    }),
  );
  assert.ok(result.ok);
  assert.deepEqual(result.proxy.labels, {});
  assert.deepEqual(result.proxy.ipAddresses, ['10.0.0.1']);
  assert.deepEqual(result.proxy.workloadPorts, []);
  assert.equal(result.proxy.serviceAccount, undefined);
  assert.equal(result.warnings.length, 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { adsServiceDefinition, loadAds, PROTO_LOADER_OPTIONS, type DiscoveryRequest__Output, type DiscoveryResponse__Output } from './ads-service.js';
import { packAny } from './any.js';
import { structFromJson } from './struct.js';
import { CLUSTER_TYPE } from './type-urls.js';

const node = {
  id: 'sidecar~10.0.0.1~reviews-v1.default~default.svc.cluster.local',
  cluster: 'reviews.default',
  locality: { region: 'r', zone: 'z' },
  metadata: structFromJson({ NAMESPACE: 'default', LABELS: { app: 'reviews' }, PORT: 9080, ON: true, NONE: null }),
  user_agent_name: 'heddle',
};
const cluster = packAny('envoy.config.cluster.v3.Cluster', { name: 'outbound|9080||reviews.default.svc.cluster.local', type: 'EDS', connect_timeout: { seconds: 10 } });

/** Per method, a request and a response that use most of the message shapes. */
const SAMPLES: Record<string, [object, object]> = {
  StreamAggregatedResources: [
    { version_info: '3.1', node, resource_names: ['a', 'b'], type_url: CLUSTER_TYPE, response_nonce: 'n1', error_detail: { code: 3, message: 'bad', details: [] } },
    { version_info: '3.1', resources: [cluster], type_url: CLUSTER_TYPE, nonce: 'n2', control_plane: { identifier: 'heddle' } },
  ],
  DeltaAggregatedResources: [
    { node, type_url: CLUSTER_TYPE, resource_names_subscribe: ['x'], resource_names_unsubscribe: ['y'], initial_resource_versions: { x: '1' }, response_nonce: 'n3' },
    { system_version_info: '4', resources: [{ name: 'c', version: '4', resource: cluster, aliases: [] }], type_url: CLUSTER_TYPE, removed_resources: ['d'], nonce: 'n4' },
  ],
};

test('Should encode and decode ADS messages exactly as proto-loader does', () => {
  const ours = adsServiceDefinition();
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', PROTO_LOADER_OPTIONS));
  const theirs = (pkg.envoy as grpc.GrpcObject & { service: { discovery: { v3: { AggregatedDiscoveryService: grpc.ServiceClientConstructor } } } }).service.discovery.v3.AggregatedDiscoveryService.service;
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
  for (const [name, [request, response]] of Object.entries(SAMPLES)) {
    const a = ours[name]!;
    const b = theirs[name]!;
    assert.equal(a.path, b.path);
    assert.equal(a.originalName, b.originalName);
    assert.equal(a.requestStream, b.requestStream);
    assert.equal(a.responseStream, b.responseStream);
    const requestBytes = a.requestSerialize(request);
    const responseBytes = a.responseSerialize(response);
    assert.deepEqual(requestBytes, b.requestSerialize(request), `${name} request bytes`);
    assert.deepEqual(responseBytes, b.responseSerialize(response), `${name} response bytes`);
    assert.deepEqual(a.requestDeserialize(requestBytes), b.requestDeserialize(requestBytes), `${name} request object`);
    assert.deepEqual(a.responseDeserialize(responseBytes), b.responseDeserialize(responseBytes), `${name} response object`);
  }
});

test('Should refuse to send an array as a message', () => {
  assert.throws(() => adsServiceDefinition().StreamAggregatedResources!.requestSerialize([]), /array/);
});

test('Should carry an ADS stream between a client and a server built from the definition', async () => {
  const server = new grpc.Server();
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest__Output, object>) => {
      call.on('data', (req: DiscoveryRequest__Output) => call.write({ version_info: `for ${req.node?.id}`, type_url: req.type_url, resources: [cluster], nonce: 'n' }));
      call.on('end', () => call.end());
    },
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<object, object>) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
  const client = new Ads(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const stream = client.StreamAggregatedResources();
    const first = new Promise<DiscoveryResponse__Output>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.write({ node: { id: 'n1' }, type_url: CLUSTER_TYPE });
    const response = await first;
    assert.equal(response.version_info, 'for n1');
    assert.equal(response.resources[0]?.type_url, CLUSTER_TYPE);
    assert.ok(Buffer.isBuffer(response.resources[0]?.value));
    stream.end();
    stream.cancel();
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
});

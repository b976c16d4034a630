// Istio's egress-gateway task through real processes: a sidecar'd client calls an external host,
// its sidecar sends the request to the egress gateway (mesh route), and the gateway sends it on to
// the external host (gateway route). A plain Node server on loopback stands in for the outside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../support/mesh-config.js';
import { proxyClient } from '../support/proxy-client.js';
import { prometheusText } from '../support/sidecar-config-wait.js';
import { startControlPlane, startProxy, waitForPort, type ControlPlane, type RunningProxy } from '../support/gateway.js';

// This file's block: the egress gateway on 127.0.0.210, the client on .211, the external host on .215.
const EGRESS_IP = '127.0.0.210';
const CLIENT_IP = '127.0.0.211';
const EXTERNAL_IP = '127.0.0.215';
const EXTERNAL_HOST = 'edition.example.com';
const EGRESS_SERVICE = 'istio-egressgateway.istio-system.svc.cluster.local';
/** The egress gateway serves port 80, as in Istio's task; binding it needs root (CI is root). */
const SKIP = process.getuid?.() !== 0 ? 'the egress gateway binds port 80, which needs root' : false;

let controlPlane: ControlPlane | undefined;
let egress: RunningProxy | undefined;
let client: RunningProxy | undefined;
let external: Server | undefined;
const externalRequests: { path: string; headers: IncomingMessage['headers'] }[] = [];

function config(externalPort: number): Record<string, string> {
  return {
    'external.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: edition}
spec:
  hosts: [${EXTERNAL_HOST}]
  location: MESH_EXTERNAL
  resolution: STATIC
  ports: [{number: 80, name: http-port, protocol: HTTP}]
  endpoints: [{address: ${EXTERNAL_IP}, ports: {http-port: ${externalPort}}}]
`,
    // The egress gateway's own service, as its Kubernetes Service would define it.
    'egress-service.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: istio-egressgateway, namespace: istio-system}
spec:
  hosts: [${EGRESS_SERVICE}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 80, name: http2, protocol: HTTP}]
  endpoints: [{address: ${EGRESS_IP}, labels: {istio: egressgateway, app: istio-egressgateway}}]
`,
    'egress.yaml': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${EXTERNAL_HOST}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-edition}
spec:
  host: ${EGRESS_SERVICE}
  subsets:
  - name: edition
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-edition-through-egress-gateway}
spec:
  hosts: [${EXTERNAL_HOST}]
  gateways: [istio-egressgateway, mesh]
  http:
  - match: [{gateways: [mesh], port: 80}]
    route: [{destination: {host: ${EGRESS_SERVICE}, subset: edition, port: {number: 80}}, weight: 100}]
  - match: [{gateways: [istio-egressgateway], port: 80}]
    route: [{destination: {host: ${EXTERNAL_HOST}, port: {number: 80}}, weight: 100}]
`,
  };
}

before(async () => {
  if (SKIP) return;
  external = createServer((req, res) => {
    externalRequests.push({ path: req.url ?? '', headers: req.headers });
    res.end(`external ${req.url}`);
  });
  await new Promise<void>((resolve, reject) => {
    external!.once('error', reject);
    external!.listen(0, EXTERNAL_IP, () => resolve());
  });
  controlPlane = await startControlPlane(config((external.address() as AddressInfo).port));
  egress = await startProxy('gateway', controlPlane.xds, {
    name: 'istio-egressgateway',
    namespace: 'istio-system',
    labels: { istio: 'egressgateway', app: 'istio-egressgateway' },
    ip: EGRESS_IP,
    args: ['--access-log'],
  });
  await waitForPort(EGRESS_IP, 80);
  client = await startProxy('sidecar', controlPlane.xds, { name: 'sleep', labels: { app: 'sleep', version: 'v1' }, ip: CLIENT_IP, appPorts: ['http:20211'] });
});

after(async () => {
  await client?.stop();
  await egress?.stop();
  await controlPlane?.stop();
  if (external) {
    external.closeAllConnections();
    await new Promise((r) => external!.close(r));
  }
});

test('Should send a sidecar\'s request for the external host through the egress gateway', { skip: SKIP }, async () => {
  const get = proxyClient(`http://${CLIENT_IP}:15001`);
  const r = await get(`http://${EXTERNAL_HOST}/politics`);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.body, 'external /politics');
  const seen = externalRequests.at(-1)!;
  assert.equal(seen.headers.host, EXTERNAL_HOST);
  assert.equal(seen.headers['x-envoy-peer-metadata-id']?.includes('istio-egressgateway'), true, 'the last hop was the egress gateway');
});

test('Should count the client\'s hop as bound for the egress gateway, and the gateway\'s as bound for the external host', { skip: SKIP }, async () => {
  const get = proxyClient(`http://${CLIENT_IP}:15001`);
  assert.equal((await get(`http://${EXTERNAL_HOST}/world`)).status, 200);
  const entry = await eventually(async () => egress!.stdout
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((e) => e.path === '/world'), 5000, 'the egress gateway\'s access log entry');
  assert.equal(entry.authority, EXTERNAL_HOST);
  assert.equal(entry.response_code, 200);
  assert.equal(entry.upstream_cluster, `outbound|80||${EXTERNAL_HOST}`);
  const metric = await eventually(async () => (await prometheusText(egress!.statsPort)).split('\n').find((l) =>
    l.startsWith('istio_requests_total{') && l.includes('reporter="source"') && l.includes('source_workload="istio-egressgateway"')
    && l.includes(`destination_service="${EXTERNAL_HOST}"`) && l.includes('response_code="200"')), 5000, 'the egress gateway\'s request metric');
  assert.match(metric, /} [1-9]\d*$/);
  const firstHop = await eventually(async () => (await prometheusText(client!.statsPort)).split('\n').find((l) =>
    l.startsWith('istio_requests_total{') && l.includes('source_workload="sleep"')
    && l.includes(`destination_service="${EGRESS_SERVICE}"`) && l.includes('response_code="200"')), 5000, 'the client sidecar\'s metric for the hop to the egress gateway');
  assert.match(firstHop, /} [1-9]\d*$/);
});

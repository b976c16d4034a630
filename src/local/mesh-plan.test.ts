import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildServiceEntries } from './generated-config.js';
import { parseMeshFile } from './mesh-file.js';
import { createMeshPlan } from './mesh-plan.js';
import { notSyncedReason } from './proxy-sync.js';

const MESH = `config: [networking/gateway.yaml]
gateway: { name: istio-ingressgateway, ports: [8080, 8443] }
workloads:
  - { name: reviews-v1, serviceAccount: bookinfo-reviews, labels: { app: reviews, version: v1 }, port: 9080, command: [node, reviews.js], env: { PORT: '1' } }
  - { name: reviews-v2, serviceAccount: bookinfo-reviews, labels: { app: reviews, version: v2 }, port: 9080, command: [./reviews] }
`;

async function plan() {
  const parsed = parseMeshFile(MESH, '/srv/mesh.yaml');
  assert.ok(parsed.ok);
  let next = 40000;
  return createMeshPlan(parsed.spec, {
    heddle: { node: '/usr/bin/node', entry: '/h/main.js', proxyEntry: '/h/proxy-main.js' },
    stateDir: '/tmp/run',
    subnet: '127.10.0',
    xdsPort: 15010,
    monitoringPort: 15014,
    publish: new Map([[0, 18080]]),
    freePort: async () => next++,
    logLevel: 'info',
  });
}

test('Should give each workload its own address, an app port of its own, and a sidecar told both', async () => {
  const p = await plan();
  const [v1, v2] = p.workloads;
  assert.deepEqual([v1?.ip, v2?.ip], ['127.10.0.2', '127.10.0.3']);
  assert.deepEqual(v1?.ports, [{ name: 'http', port: 9080, appPort: 40001 }]);
  assert.deepEqual(v1?.sidecar.args, [
    '--max-semi-space-size=2', '/h/proxy-main.js', 'sidecar', '--name', 'reviews-v1', '--namespace', 'default', '--service-account', 'bookinfo-reviews',
    '--label', 'app=reviews,version=v1', '--ip', '127.10.0.2', '--app-port', 'http:40001', '--xds-address', '127.0.0.1:15010',
    '--admin-port', '40002', '--stats-port', '40003', '--token-file', '/tmp/run/tokens/default.reviews-v1.jwt', '--log-level', 'info',
  ]);
  assert.deepEqual(v1?.sidecar.readiness, { kind: 'http', url: 'http://127.0.0.1:40002/ready' });
  assert.equal(v1?.app.command, '/usr/bin/node', '`node` runs on the Node that runs heddle');
  assert.equal(v2?.app.command, './reviews');
  assert.equal(v1?.app.env.PORT, '40001', 'the runtime\'s PORT wins over the user\'s');
  assert.equal(v1?.app.env.HTTP_PROXY, 'http://127.10.0.2:15001');
  assert.equal(v1?.app.cwd, '/srv');
});

test('Should start the control plane on the config and the generated services, with a CA of this run', async () => {
  const p = await plan();
  assert.deepEqual(p.controlPlane.args, [
    '/h/main.js', 'control-plane', '--config', '/srv/networking/gateway.yaml', '--config', '/tmp/run/generated',
    '--xds-port', '15010', '--monitoring-port', '15014', '--secure-port', '40000', '--ca-dir', '/tmp/run/ca', '--log-level', 'info',
  ]);
  assert.deepEqual(p.controlPlane.readiness, { kind: 'http', url: 'http://127.0.0.1:15014/ready' });
});

test('Should publish the gateway\'s first port where --gateway-port says and the others as they are', async () => {
  const p = await plan();
  assert.equal(p.gateway?.ip, '127.10.0.1');
  assert.deepEqual(p.gateway?.ports, [{ port: 8080, published: 18080 }, { port: 8443, published: 8443 }]);
  assert.ok(p.gateway?.process.args.includes('istio-ingressgateway-service-account'));
});

test('Should write one ServiceEntry per service, selecting its workloads by the app label', async () => {
  const p = await plan();
  const docs = buildServiceEntries(p.workloads).split('\n---\n').map((d) => parse(d) as unknown);
  assert.deepEqual(docs, [{
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'reviews', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'heddle-up' } },
    spec: {
      hosts: ['reviews.default.svc.cluster.local'],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }],
      workloadSelector: { labels: { app: 'reviews' } },
    },
  }]);
});

test('Should call proxies in sync only when all are connected, current and acknowledged', () => {
  const proxy = (version: string, state: string) => ({ proxy: 'p', version, xds: { CDS: { state }, LDS: { state: 'SYNCED' } } });
  assert.equal(notSyncedReason({ proxies: [proxy('3.1', 'SYNCED')] }, { proxies: 2 }), '1 of 2 proxies connected');
  assert.equal(notSyncedReason({ proxies: [proxy('3.1', 'SYNCED')] }, { minVersion: 4 }), 'p has config version 3.1, not yet 4');
  assert.equal(notSyncedReason({ proxies: [proxy('4.2', 'STALE')] }, { minVersion: 4 }), 'p has not acknowledged its CDS push');
  assert.equal(notSyncedReason({ proxies: [proxy('4.2', 'SYNCED')] }, { proxies: 1, minVersion: 4 }), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildServiceEntries } from './generated-config.js';
import { parseMeshFile } from './mesh-file.js';
import { createMeshPlan } from './mesh-plan.js';
import { notSyncedReason } from './proxy-sync.js';
import { formatPlan } from './mesh-summary.js';
import { parsePodCidr } from './pod-network-plan.js';

const MESH = `config: [networking/gateway.yaml]
gateway: { name: istio-ingressgateway, ports: [8080, 8443] }
workloads:
  - { name: reviews-v1, serviceAccount: bookinfo-reviews, labels: { app: reviews, version: v1 }, port: 9080, command: [node, reviews.js], env: { PORT: '1' } }
  - { name: reviews-v2, serviceAccount: bookinfo-reviews, labels: { app: reviews, version: v2 }, port: 9080, command: [./reviews] }
`;

async function plan(podCidr?: string) {
  const parsed = parseMeshFile(MESH, '/srv/mesh.yaml');
  assert.ok(parsed.ok);
  const cidr = podCidr === undefined ? undefined : parsePodCidr(podCidr);
  if (cidr && !cidr.ok) assert.fail(cidr.reason);
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
    ...(cidr?.ok ? { podCidr: cidr.cidr } : {}),
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
    '--admin-port', '40002', '--stats-port', '40003', '--agent-port', '40004', '--health-port', '40005', '--token-file', '/tmp/run/tokens/default.reviews-v1.jwt', '--log-level', 'info',
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
    '--xds-port', '15010', '--monitoring-port', '15014', '--secure-port', '40000', '--ca-dir', '/tmp/run/ca', '--applied-file', '/tmp/run/applied.yaml', '--log-level', 'info',
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

test('Should run each captured workload\'s app and sidecar inside its pod, the app on the service port with no HTTP_PROXY', async () => {
  const p = await plan('10.233.0.0/24');
  assert.equal(p.mode, 'capture');
  const [v1] = p.workloads;
  assert.equal(v1?.ip, '10.233.0.2');
  assert.equal(v1?.netns, 'heddle-0ae900-reviews-v1');
  assert.deepEqual(v1?.ports, [{ name: 'http', port: 9080, appPort: 9080 }]);
  assert.equal(v1?.app.command, 'ip');
  assert.deepEqual(v1?.app.args, ['netns', 'exec', 'heddle-0ae900-reviews-v1', '/usr/bin/node', 'reviews.js']);
  assert.deepEqual({ PORT: v1?.app.env.PORT, HOST: v1?.app.env.HOST, HTTP_PROXY: v1?.app.env.HTTP_PROXY, http_proxy: v1?.app.env.http_proxy }, { PORT: '9080', HOST: '0.0.0.0', HTTP_PROXY: '', http_proxy: '' });
  assert.deepEqual(v1?.app.readiness, { kind: 'tcp', host: '127.0.0.1', port: 9080, netns: 'heddle-0ae900-reviews-v1' });
  assert.deepEqual(v1?.sidecar.args, [
    'netns', 'exec', 'heddle-0ae900-reviews-v1', '/usr/bin/node', '--max-semi-space-size=2', '/h/proxy-main.js', 'sidecar', '--mode', 'capture',
    '--name', 'reviews-v1', '--namespace', 'default', '--service-account', 'bookinfo-reviews', '--label', 'app=reviews,version=v1', '--ip', '10.233.0.2',
    '--app-port', 'http:9080', '--xds-address', '10.233.0.1:15010', '--admin-port', '15000', '--stats-port', '15090',
    '--agent-port', '15020', '--health-port', '15021', '--token-file', '/tmp/run/tokens/default.reviews-v1.jwt', '--log-level', 'info',
  ]);
  assert.deepEqual(v1?.sidecar.readiness, { kind: 'http', url: 'http://10.233.0.2:15090/stats/prometheus' });
});

test('Should put the control plane and the gateway on the bridge address in capture mode', async () => {
  const p = await plan('10.233.0.0/24');
  assert.equal(p.xdsAddress, '10.233.0.1:15010');
  assert.equal(p.monitoringAddress, '10.233.0.1:15014');
  assert.deepEqual(p.controlPlane.args.slice(-4), ['--bind', '10.233.0.1', '--log-level', 'info']);
  assert.equal(p.gateway?.ip, '10.233.0.1');
  assert.equal(p.gateway?.process.command, '/usr/bin/node', 'the gateway runs on the host');
  assert.deepEqual(p.gateway?.ports[0], { port: 8080, published: 18080 });
});

test('Should print the pod network, its commands and the capture rules in a capture dry run', async () => {
  const text = formatPlan(await plan('10.233.0.0/24'));
  assert.match(text, /^mode: capture$/m);
  assert.match(text, /bridge heddle-0ae900 with 10\.233\.0\.1\/24/);
  assert.match(text, /default\/reviews-v2: namespace heddle-0ae900-reviews-v2, eth0 10\.233\.0\.3\/24/);
  assert.match(text, /^ {4}ip netns add heddle-0ae900-reviews-v1$/m);
  assert.match(text, /^ {4}iptables -t nat -A PREROUTING -p tcp -j ISTIO_INBOUND$/m);
  assert.match(text, /^ {2}run: ip netns exec heddle-0ae900-reviews-v1 \/usr\/bin\/node .* sidecar --mode capture/m);
  assert.match(formatPlan(await plan()), /^mode: explicit$/m);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMeshIssue, parseMeshFile } from './mesh-file.js';

const GOOD = `config: ./networking
gateway: { name: istio-ingressgateway, ports: [8080] }
workloads:
  - name: productpage-v1
    serviceAccount: bookinfo-productpage
    labels: { app: productpage, version: v1 }
    port: 9080
    command: [node, src/productpage.js]
    env: { ENABLE_RATINGS: true, N: 3 }
  - name: ratings
    ports: [http:9080, grpc-api:7070]
    command: [node, ratings.js]
`;

test('Should parse a mesh file with defaults applied and paths taken from its directory', () => {
  const r = parseMeshFile(GOOD, '/srv/bookinfo/mesh.yaml');
  assert.ok(r.ok);
  assert.deepEqual(r.spec.config, ['/srv/bookinfo/networking']);
  assert.deepEqual(r.spec.gateway, { name: 'istio-ingressgateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' }, ports: [8080] });
  const [pp, ratings] = r.spec.workloads;
  assert.deepEqual(pp, {
    name: 'productpage-v1', namespace: 'default', serviceAccount: 'bookinfo-productpage',
    labels: { app: 'productpage', version: 'v1' }, ports: [{ name: 'http', port: 9080 }],
    command: ['node', 'src/productpage.js'], env: { ENABLE_RATINGS: 'true', N: '3' }, cwd: '/srv/bookinfo',
  });
  assert.deepEqual(ratings?.labels, { app: 'ratings' }, 'the app label defaults to the workload name');
  assert.deepEqual(ratings?.ports, [{ name: 'http', port: 9080 }, { name: 'grpc-api', port: 7070 }]);
});

test('Should reject unknown fields with their file, line and field path', () => {
  const r = parseMeshFile(GOOD.replace('    port: 9080', '    prot: 9080'), 'mesh.yaml');
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.issues.map(formatMeshIssue), [
    'mesh.yaml:7: workloads[0].prot: unknown field "prot" (known: name, namespace, serviceAccount, labels, port, ports, command, env, cwd)',
    'mesh.yaml:4: workloads[0].port: is required: the port the service is reached on, such as 9080',
  ]);
});

test('Should report every problem at once: bad ports, a missing command, duplicate names and bad labels', () => {
  const text = `gateway: { ports: [0] }
workloads:
  - { name: a, port: http:99999, command: [node, a.js] }
  - { name: a, port: 9080 }
  - { name: B, port: 9080, command: [x], labels: { app: Not_Dns } }
`;
  const r = parseMeshFile(text, 'm.yaml');
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.issues.map(formatMeshIssue), [
    'm.yaml:1: gateway.ports[0]: must be a port number (1-65535)',
    'm.yaml:3: workloads[0].port: must be PORT or NAME:PORT (http:9080), got "http:99999"',
    'm.yaml:4: workloads[1].command: is required: the app to run, such as [node, app.js]',
    'm.yaml:5: workloads[2].name: "B" must be a DNS label (lowercase letters, digits and \'-\')',
    'm.yaml:5: workloads[2].labels.app: "Not_Dns" must be a DNS label: it names the service',
  ]);
});

test('Should refuse two workloads with the same name in one namespace', () => {
  const r = parseMeshFile('workloads:\n  - { name: a, port: 1, command: [x] }\n  - { name: a, port: 2, command: [y] }\n', 'm.yaml');
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.issues.map(formatMeshIssue), ['m.yaml:3: workloads[1].name: workload default/a is already defined by workloads[0]']);
});

test('Should report YAML syntax errors with their line', () => {
  const r = parseMeshFile('workloads:\n  - name: [a\n', 'm.yaml');
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : formatMeshIssue(r.issues[0]!), /^m\.yaml:\d+: YAML syntax error: /);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../parse/index.js';
import { createSnapshot, entriesOf } from '../snapshot.js';
import { analyze, ANALYZERS } from './index.js';
import { findingsOf, snapshotOf, summaryOf } from './testing.js';

const service = (name: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: bookinfo}
spec:
  hosts: [${name}.bookinfo.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  workloadSelector: {labels: {app: ${name}}}
`;

let address = 0;
const workload = (app: string, version: string) => `---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ${app}-${version}, namespace: bookinfo}
spec:
  address: 10.0.0.${++address}
  labels: {app: ${app}, version: ${version}}
  serviceAccount: bookinfo-${app}
`;

const rule = (host: string, versions: string[]) => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host}, namespace: bookinfo}
spec:
  host: ${host}
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
  subsets:
${versions.map((v) => `  - name: ${v}\n    labels: {version: ${v}}\n`).join('')}`;

const ISTIO_CONFIG = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: bookinfo}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    - uri: {exact: /login}
    - uri: {exact: /logout}
    - uri: {prefix: /api/v1/products}
    route:
    - destination: {host: productpage, port: {number: 9080}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 50
    - destination: {host: reviews, subset: v3}
      weight: 50
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: bookinfo}
spec:
  hosts: [ratings]
  http:
  - fault:
      delay:
        percentage: {value: 10}
        fixedDelay: 5s
    route:
    - destination: {host: ratings, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details, namespace: bookinfo}
spec:
  hosts: [details]
  http:
  - route:
    - destination: {host: details, subset: v1}
${rule('productpage', ['v1'])}${rule('reviews', ['v1', 'v2', 'v3'])}${rule('ratings', ['v1'])}${rule('details', ['v1'])}---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ratings-viewer, namespace: bookinfo}
spec:
  selector:
    matchLabels: {app: ratings}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/bookinfo/sa/bookinfo-reviews]
    to:
    - operation: {methods: [GET]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: bookinfo}
spec:
  egress:
  - hosts: ["./*", "istio-system/*"]
`;

const WORKLOADS = [
  ['productpage', 'v1'],
  ['details', 'v1'],
  ['reviews', 'v1'],
  ['reviews', 'v2'],
  ['reviews', 'v3'],
  ['ratings', 'v1'],
] as const;

test('Should find nothing wrong in a clean Bookinfo config with ServiceEntries and WorkloadEntries', () => {
  const yaml =
    ['productpage', 'details', 'reviews', 'ratings'].map(service).join('') +
    WORKLOADS.map(([app, version]) => workload(app, version)).join('') +
    ISTIO_CONFIG;
  const snapshot = snapshotOf(yaml);
  assert.equal(snapshot.of('VirtualService').length, 4);
  assert.deepEqual(analyze(snapshot).map((f) => `${f.code} ${f.field}: ${f.message}`), []);
});

test('Should find nothing wrong in a clean Bookinfo config whose services and workloads are known outside it', () => {
  const findings = findingsOf(ISTIO_CONFIG, {
    knownServices: ['productpage', 'details', 'reviews', 'ratings'],
    knownWorkloads: WORKLOADS.map(([app, version]) => ({ namespace: 'bookinfo', labels: { app, version } })),
  });
  assert.deepEqual(findings.map((f) => `${f.code} ${f.field}: ${f.message}`), []);
});

test('Should report each Bookinfo mistake once, at the line of the field, sorted by line', () => {
  const broken = ISTIO_CONFIG.replace('subset: v2}', 'subset: v4}').replace('gateways: [bookinfo-gateway]', 'gateways: [bookinfo-gw]');
  const findings = findingsOf(broken, {
    knownServices: ['productpage', 'details', 'reviews', 'ratings'],
    knownWorkloads: WORKLOADS.map(([app, version]) => ({ namespace: 'bookinfo', labels: { app, version } })),
  });
  assert.deepEqual(findings.map(summaryOf), [
    { code: 'IST0101', severity: 'error', field: 'spec.gateways[0]', resource: 'VirtualService bookinfo/bookinfo', line: 16 },
    { code: 'IST0101', severity: 'error', field: 'spec.http[0].route[0].destination.subset', resource: 'VirtualService bookinfo/reviews', line: 37 },
  ]);
  assert.equal(findings[0]!.location?.file, 'mesh.yaml');
});

test('Should report findings without a location when the entries have none', () => {
  const parsed = parseConfigText(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ghost, namespace: default}
spec:
  host: ghost
`, 'dr.yaml');
  const resources = parsed.results.flatMap((r) => (r.status === 'valid' ? [r.resource] : []));
  const findings = analyze(createSnapshot(1, entriesOf(resources)));
  assert.deepEqual(findings.map((f) => [f.code, f.field, f.location]), [['IST0174', 'spec.host', undefined]]);
  assert.deepEqual(findings[0]!.resource, { kind: 'DestinationRule', namespace: 'default', name: 'ghost' });
});

test('Should give every analyzer a stable code, a unique name and a one-line description', () => {
  const names = new Set<string>();
  for (const a of ANALYZERS) {
    assert.match(a.code, /^(IST|HDL)\d{4}$/, a.name);
    assert.ok(!names.has(a.name), `duplicate name ${a.name}`);
    names.add(a.name);
    assert.ok(a.description.length > 0 && !a.description.includes('\n'), a.name);
    assert.ok(a.severity === 'error' || a.severity === 'warning', a.name);
  }
  assert.ok(ANALYZERS.length >= 8);
});

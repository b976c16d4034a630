import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, problemsOf } from './testing.js';

const serviceEntry = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: prod}
spec:
${spec}`;

/** The one problem reported at `field`, asserting there is exactly one problem in all. */
function onlyProblem(problems: string[], field: string): string {
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.ok(problems[0]!.startsWith(`${field}: `), problems[0]);
  return problems[0]!;
}

test('Should accept an egress ServiceEntry for httpbin.org resolved by DNS', () => {
  assert.deepEqual(problemsOf(serviceEntry(`  hosts: [httpbin.org]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
  location: MESH_EXTERNAL
`)), []);
});

test('Should accept a STATIC ServiceEntry with IP and unix socket endpoints', () => {
  assert.deepEqual(problemsOf(serviceEntry(`  hosts: [mymongodb.somedomain]
  addresses: [192.192.192.192/24]
  ports:
  - {number: 27018, name: mongodb, protocol: MONGO}
  location: MESH_INTERNAL
  resolution: STATIC
  endpoints:
  - address: 2.2.2.2
  - address: 3.3.3.3
    ports: {mongodb: 27019}
    labels: {version: v2}
    locality: us-east1/us-east1-b
    serviceAccount: mongo-sa
`)), []);
  assert.deepEqual(errorsOf(serviceEntry(`  hosts: [unix.local]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  resolution: STATIC
  endpoints:
  - address: unix:///var/run/app.sock
`)), []);
});

test('Should accept wildcard hosts with resolution NONE and a workloadSelector with STATIC', () => {
  assert.deepEqual(problemsOf(serviceEntry(`  hosts: ["*.bar.com"]
  ports:
  - {number: 443, name: tls, protocol: TLS}
  exportTo: [".", istio-system]
`)), []);
  assert.deepEqual(problemsOf(serviceEntry(`  hosts: [details.bookinfo.com]
  ports:
  - {number: 80, name: http, protocol: HTTP, targetPort: 8080}
  resolution: STATIC
  workloadSelector:
    labels: {app: details-legacy}
`)), []);
});

test('Should reject a lone "*" host and a partial wildcard host', () => {
  const errors = errorsOf(serviceEntry(`  hosts: ["*", "foo*.example.com"]
  resolution: NONE
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.hosts\[0\]: a ServiceEntry host cannot be "\*" alone/);
  assert.match(errors[1]!, /^spec\.hosts\[1\]: .*wildcard/);
});

test('Should reject an empty hosts list through the schema', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry('  hosts: []\n')), 'spec.hosts'), /less than 1 item/);
});

test('Should reject a STATIC ServiceEntry whose endpoint is not an IP', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry(`  hosts: [db.example.com]
  ports:
  - {number: 5432, name: tcp-pg, protocol: TCP}
  resolution: STATIC
  endpoints:
  - address: 1.1.1.1
  - address: db-1.example.com
`)), 'spec.endpoints[1].address'), /"db-1\.example\.com" is not an IP address or unix:\/\/ path, which STATIC resolution needs/);
});

test('Should warn about a STATIC ServiceEntry with neither endpoints nor a workloadSelector', () => {
  assert.match(onlyProblem(problemsOf(serviceEntry(`  hosts: [db.example.com]
  resolution: STATIC
`)), 'warning: spec.endpoints'), /leaves the service without endpoints/);
});

test('Should reject endpoints with resolution NONE', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry(`  hosts: [db.example.com]
  resolution: NONE
  endpoints:
  - address: 1.1.1.1
`)), 'spec.endpoints'), /resolution NONE forwards to the original destination/);
});

test('Should reject a wildcard host with DNS resolution and no endpoints', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry(`  hosts: [api.example.com, "*.example.com"]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
`)), 'spec.hosts[1]'), /DNS resolution without endpoints resolves each host, so "\*\.example\.com" must be a fully qualified name/);
});

test('Should accept a wildcard host with DNS resolution when endpoints are given', () => {
  assert.deepEqual(errorsOf(serviceEntry(`  hosts: ["*.example.com"]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
  endpoints:
  - address: proxy.example.net
`)), []);
});

test('Should reject more than one endpoint with DNS_ROUND_ROBIN', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry(`  hosts: [api.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  resolution: DNS_ROUND_ROBIN
  endpoints:
  - address: a.example.net
  - address: b.example.net
`)), 'spec.endpoints'), /DNS_ROUND_ROBIN resolution takes at most one endpoint, got 2/);
});

test('Should reject both a workloadSelector and endpoints', () => {
  assert.match(onlyProblem(errorsOf(serviceEntry(`  hosts: [api.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  resolution: STATIC
  workloadSelector: {labels: {app: api}}
  endpoints:
  - address: 10.0.0.1
`)), 'spec.workloadSelector'), /either workloadSelector or endpoints, not both/);
});

test('Should reject duplicate port numbers and names, a bad protocol and a bad targetPort', () => {
  const errors = errorsOf(serviceEntry(`  hosts: [api.example.com]
  resolution: DNS
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 80, name: http, protocol: HTTP}
  - {number: 8080, name: Web_Port, protocol: SPDY, targetPort: 70000}
`));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), [
    'spec.ports[1].name', 'spec.ports[1].number', 'spec.ports[2].name', 'spec.ports[2].protocol', 'spec.ports[2].targetPort',
  ], errors.join('\n'));
  assert.match(errors[0]!, /port name "http" is already used by spec\.ports\[0\]/);
  assert.match(errors[1]!, /port 80 is already declared by spec\.ports\[0\]/);
  assert.match(errors[3]!, /unsupported protocol "SPDY"/);
});

test('Should reject endpoint ports that the ServiceEntry does not declare, or that are out of range', () => {
  const errors = errorsOf(serviceEntry(`  hosts: [api.example.com]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  resolution: STATIC
  endpoints:
  - address: 10.0.0.1
    ports: {grpc: 9090, http: 0}
`));
  assert.deepEqual(errors, [
    'spec.endpoints[0].ports.grpc: port "grpc" is not declared in spec.ports; endpoint ports are keyed by a service port name',
    'spec.endpoints[0].ports.http: port must be between 1 and 65535, got 0',
  ]);
});

test('Should reject invalid addresses and a CIDR block with DNS resolution', () => {
  const errors = errorsOf(serviceEntry(`  hosts: [api.example.com]
  addresses: [10.0.0.0/8, not-an-ip, 10.1.0.0/40]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
`));
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.addresses\[1\]: "not-an-ip" is not a valid IP address or CIDR block/);
  assert.match(errors[1]!, /^spec\.addresses\[2\]: .*invalid prefix length/);
  assert.match(errors[2]!, /^spec\.addresses\[0\]: CIDR blocks are allowed only with resolution NONE or STATIC, not DNS/);
});

test('Should reject several hosts on a TCP port unless resolution is NONE', () => {
  const spec = (resolution: string) => `  hosts: [a.example.com, b.example.com]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  - {number: 5432, name: tcp-pg, protocol: TCP}
  resolution: ${resolution}
`;
  assert.match(onlyProblem(errorsOf(serviceEntry(spec('DNS'))), 'spec.ports[1].protocol'), /needs an HTTP or TLS protocol to tell them apart/);
  assert.deepEqual(errorsOf(serviceEntry(spec('NONE'))), []);
});

test('Should reject invalid and conflicting exportTo entries', () => {
  const errors = errorsOf(serviceEntry(`  hosts: [api.example.com]
  exportTo: [".", prod, "*", Bad_NS]
`));
  assert.deepEqual(errors.map((e) => e.split(': ')[0]), ['spec.exportTo[1]', 'spec.exportTo[3]', 'spec.exportTo'], errors.join('\n'));
  // The exact wording belongs to the shared exportTo check; assert the gist.
  assert.match(errors[0]!, /"prod"/);
  assert.match(errors[1]!, /Bad_NS/);
  assert.match(errors[2]!, /"\*"/);
});

test('Should accept "~" alone in exportTo and reject it beside other entries', () => {
  assert.deepEqual(errorsOf(serviceEntry('  hosts: [api.example.com]\n  exportTo: ["~"]\n')), []);
  assert.match(onlyProblem(errorsOf(serviceEntry('  hosts: [api.example.com]\n  exportTo: ["~", "."]\n')), 'spec.exportTo'), /"~"/);
});

test('Should reject empty subjectAltNames and invalid endpoint labels', () => {
  const errors = errorsOf(serviceEntry(`  hosts: [api.example.com]
  subjectAltNames: ["spiffe://cluster.local/ns/prod/sa/api", ""]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  resolution: STATIC
  endpoints:
  - address: 10.0.0.1
    labels: {version: "v1!"}
`));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^spec\.endpoints\[0\]\.labels\.version: invalid label value "v1!"/);
  assert.match(errors[1]!, /^spec\.subjectAltNames\[1\]: subject alternative names must not be empty/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { errorsOf, problemsOf } from './testing.js';

type Spec = Record<string, unknown>;

function destinationRule(spec: Spec): string {
  return stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec,
  });
}

/** A DestinationRule for `reviews` with `policy` as its top-level traffic policy. */
function withPolicy(policy: Spec, spec: Spec = {}): Spec {
  return { host: 'reviews', trafficPolicy: policy, ...spec };
}

/** Asserts that some problem is at exactly `path` and matches `gist` (which sees the whole line). */
function assertProblemAt(problems: string[], path: string, gist: RegExp): void {
  assert.ok(
    problems.some((p) => p.replace(/^warning: /, '').startsWith(`${path}: `) && gist.test(p)),
    `expected a problem at ${path} matching ${gist}, got:\n  ${problems.join('\n  ')}`,
  );
}

test('Should accept the circuit breaker of the Istio docs, with outlier detection', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: httpbin
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 1
      http:
        http1MaxPendingRequests: 1
        maxRequestsPerConnection: 1
    outlierDetection:
      consecutive5xxErrors: 1
      interval: 1s
      baseEjectionTime: 3m
      maxEjectionPercent: 100
`), []);
});

test('Should accept subsets with their own policies and port-level settings', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.prod.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      simple: LEAST_REQUEST
    portLevelSettings:
    - port:
        number: 80
      loadBalancer:
        simple: ROUND_ROBIN
    - port:
        number: 9080
      connectionPool:
        tcp:
          connectTimeout: 30ms
          tcpKeepalive:
            time: 7200s
            interval: 75s
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
`), []);
});

test('Should accept client TLS in each mode when its fields fit the mode', () => {
  const cases: Spec[] = [
    { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem', sni: 'my.example.com' },
    { mode: 'SIMPLE', credentialName: 'client-credential' },
    { mode: 'ISTIO_MUTUAL', sni: 'reviews.bookinfo', subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] },
    { mode: 'SIMPLE', insecureSkipVerify: true },
  ];
  for (const tls of cases) assert.deepEqual(problemsOf(destinationRule(withPolicy({ tls }))), [], JSON.stringify(tls));
});

test('Should accept consistent hashing, locality weights and failover with outlier detection', () => {
  assert.deepEqual(problemsOf(destinationRule(withPolicy({
    loadBalancer: {
      consistentHash: { httpCookie: { name: 'user', ttl: '0s' }, maglev: { tableSize: 65537 } },
      localityLbSetting: { distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
    },
  }))), []);
  assert.deepEqual(problemsOf(destinationRule(withPolicy({
    loadBalancer: { simple: 'ROUND_ROBIN', localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'eu-west' }] } },
    outlierDetection: { consecutive5xxErrors: 7, interval: '5m', baseEjectionTime: '15m' },
  }))), []);
});

test('Should accept a workload-scoped rule exported to its own namespace and a wildcard host', () => {
  assert.deepEqual(problemsOf(destinationRule({
    host: '*.bookinfo.svc.cluster.local',
    workloadSelector: { matchLabels: { app: 'ratings' } },
    exportTo: ['.'],
    trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
  })), []);
});

interface Case {
  readonly name: string;
  readonly spec: Spec;
  readonly path: string;
  readonly gist: RegExp;
}

const CASES: Case[] = [
  // Host and subsets.
  { name: 'Should reject an empty host', spec: { host: '' }, path: 'spec.host', gist: /must not be empty/ },
  { name: 'Should reject an IP address as host', spec: { host: '10.0.0.1' }, path: 'spec.host', gist: /must not be all digits/ },
  { name: 'Should reject a host that is not a valid domain', spec: { host: 'reviews_v1.prod' }, path: 'spec.host', gist: /not a valid DNS name/ },
  { name: 'Should reject a subset name that is not a DNS-1123 label', spec: { host: 'reviews', subsets: [{ name: 'V1', labels: { version: 'v1' } }] }, path: 'spec.subsets[0].name', gist: /invalid subset name/ },
  { name: 'Should reject duplicate subset names', spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] }, path: 'spec.subsets[1].name', gist: /duplicate subset name "v1"/ },
  { name: 'Should reject an invalid subset label value', spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1 beta' } }] }, path: 'spec.subsets[0].labels.version', gist: /invalid label value/ },
  { name: 'Should reject a problem inside a subset policy at the subset path', spec: { host: 'reviews', subsets: [{ name: 'v1', trafficPolicy: { outlierDetection: { interval: '0s' } } }] }, path: 'spec.subsets[0].trafficPolicy.outlierDetection.interval', gist: /at least 1ms/ },
  { name: 'Should reject an empty traffic policy', spec: withPolicy({}), path: 'spec.trafficPolicy', gist: /needs at least one of/ },
  // Connection pool.
  { name: 'Should reject an empty connection pool', spec: withPolicy({ connectionPool: {} }), path: 'spec.trafficPolicy.connectionPool', gist: /needs tcp or http settings/ },
  { name: 'Should reject a negative maxConnections', spec: withPolicy({ connectionPool: { tcp: { maxConnections: -1 } } }), path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', gist: /must not be negative/ },
  { name: 'Should reject a negative http1MaxPendingRequests', spec: withPolicy({ connectionPool: { http: { http1MaxPendingRequests: -5 } } }), path: 'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests', gist: /must not be negative/ },
  { name: 'Should reject a connect timeout under 1ms', spec: withPolicy({ connectionPool: { tcp: { connectTimeout: '0.5ms' } } }), path: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', gist: /at least 1ms/ },
  { name: 'Should reject a TCP keepalive time that is not a duration', spec: withPolicy({ connectionPool: { tcp: { tcpKeepalive: { time: '2 hours' } } } }), path: 'spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time', gist: /invalid duration/ },
  { name: 'Should reject an HTTP idle timeout of zero', spec: withPolicy({ connectionPool: { http: { idleTimeout: '0s' } } }), path: 'spec.trafficPolicy.connectionPool.http.idleTimeout', gist: /at least 1ms/ },
  { name: 'Should reject useClientProtocol with h2UpgradePolicy UPGRADE', spec: withPolicy({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }), path: 'spec.trafficPolicy.connectionPool.http.useClientProtocol', gist: /cannot be true when h2UpgradePolicy is UPGRADE/ },
  // Outlier detection.
  { name: 'Should reject an outlier detection interval of zero', spec: withPolicy({ outlierDetection: { interval: '0s' } }), path: 'spec.trafficPolicy.outlierDetection.interval', gist: /at least 1ms/ },
  { name: 'Should reject a base ejection time finer than a millisecond', spec: withPolicy({ outlierDetection: { baseEjectionTime: '1.5ms' } }), path: 'spec.trafficPolicy.outlierDetection.baseEjectionTime', gist: /millisecond precision/ },
  { name: 'Should reject maxEjectionPercent over 100', spec: withPolicy({ outlierDetection: { maxEjectionPercent: 150 } }), path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', gist: /between 0 and 100/ },
  { name: 'Should reject a negative minHealthPercent', spec: withPolicy({ outlierDetection: { minHealthPercent: -1 } }), path: 'spec.trafficPolicy.outlierDetection.minHealthPercent', gist: /between 0 and 100/ },
  { name: 'Should reject local origin failures without splitting them from external errors', spec: withPolicy({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }), path: 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', gist: /splitExternalLocalOriginErrors/ },
  { name: 'Should warn that consecutiveErrors is deprecated', spec: withPolicy({ outlierDetection: { consecutiveErrors: 5 } }), path: 'spec.trafficPolicy.outlierDetection.consecutiveErrors', gist: /warning: .*deprecated/ },
  // Load balancer.
  { name: 'Should reject an empty cookie name for consistent hashing', spec: withPolicy({ loadBalancer: { consistentHash: { httpCookie: { name: '', ttl: '1h' } } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name', gist: /must not be empty/ },
  { name: 'Should reject a Maglev table size that is not prime', spec: withPolicy({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', gist: /prime number/ },
  { name: 'Should reject Maglev without a table size', spec: withPolicy({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: {} } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', gist: /tableSize is required/ },
  { name: 'Should reject a Maglev table size over Envoy\'s limit', spec: withPolicy({ loadBalancer: { consistentHash: { useSourceIp: true, maglev: { tableSize: 5000011 } } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', gist: /less than 5000011/ },
  { name: 'Should reject the deprecated minimumRingSize next to ringHash', spec: withPolicy({ loadBalancer: { consistentHash: { useSourceIp: true, minimumRingSize: 1024, ringHash: { minimumRingSize: 1024 } } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize', gist: /cannot be set with ringHash or maglev/ },
  { name: 'Should warn about consistent hashing without a hash key', spec: withPolicy({ loadBalancer: { consistentHash: { ringHash: { minimumRingSize: 1024 } } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash', gist: /warning: .*no hash key is set/ },
  { name: 'Should reject locality distribute together with failover', spec: withPolicy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/*', to: { 'us-west/*': 100 } }], failover: [{ from: 'us-west', to: 'us-east' }] } }, outlierDetection: { interval: '1s' } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting', gist: /distribute and failover cannot both be set/ },
  { name: 'Should reject locality weights that do not sum to 100', spec: withPolicy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/*', to: { 'us-west/*': 60, 'us-east/*': 30 } }] } } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', gist: /sum to 100, got 90/ },
  { name: 'Should reject a locality with a wildcard that is not at the end', spec: withPolicy({ loadBalancer: { localityLbSetting: { distribute: [{ from: '*/zone1', to: { 'us-west/*': 100 } }] } } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute', gist: /at the end only/ },
  { name: 'Should reject source localities that overlap', spec: withPolicy({ loadBalancer: { localityLbSetting: { distribute: [{ from: 'us-west/*', to: { 'us-west/*': 100 } }, { from: 'us-west/zone1', to: { 'us-east/*': 100 } }] } } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute', gist: /"us-west\/zone1" overlaps "us-west\/\*"/ },
  { name: 'Should reject failover to the same region', spec: withPolicy({ loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-east' }] } }, outlierDetection: { interval: '1s' } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]', gist: /different regions/ },
  { name: 'Should warn about failover without outlier detection', spec: withPolicy({ loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }] } } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting', gist: /warning: .*failover needs outlierDetection/ },
  { name: 'Should reject a warmup duration that is not a duration', spec: withPolicy({ loadBalancer: { simple: 'ROUND_ROBIN', warmupDurationSecs: 'soon' } }), path: 'spec.trafficPolicy.loadBalancer.warmupDurationSecs', gist: /invalid duration/ },
  // Client TLS.
  { name: 'Should reject MUTUAL TLS without a client certificate or key', spec: withPolicy({ tls: { mode: 'MUTUAL', caCertificates: '/etc/certs/ca.pem' } }), path: 'spec.trafficPolicy.tls.clientCertificate', gist: /needs a client certificate/ },
  { name: 'Should reject MUTUAL TLS without a private key', spec: withPolicy({ tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem' } }), path: 'spec.trafficPolicy.tls.privateKey', gist: /needs a private key/ },
  { name: 'Should reject certificate files next to credentialName', spec: withPolicy({ tls: { mode: 'SIMPLE', credentialName: 'client-credential', caCertificates: '/etc/certs/ca.pem' } }), path: 'spec.trafficPolicy.tls.caCertificates', gist: /cannot be set with credentialName/ },
  { name: 'Should reject a CA certificate when insecureSkipVerify is set', spec: withPolicy({ tls: { mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/etc/certs/ca.pem' } }), path: 'spec.trafficPolicy.tls.caCertificates', gist: /insecureSkipVerify/ },
  { name: 'Should warn that certificate files are ignored with ISTIO_MUTUAL', spec: withPolicy({ tls: { mode: 'ISTIO_MUTUAL', clientCertificate: '/etc/certs/client.pem' } }), path: 'spec.trafficPolicy.tls.clientCertificate', gist: /warning: .*ignored with ISTIO_MUTUAL/ },
  // Port-level settings.
  { name: 'Should reject port-level settings without a port', spec: withPolicy({ portLevelSettings: [{ loadBalancer: { simple: 'RANDOM' } }] }), path: 'spec.trafficPolicy.portLevelSettings[0].port', gist: /port is required/ },
  { name: 'Should reject a port-level port out of range', spec: withPolicy({ portLevelSettings: [{ port: { number: 70000 }, loadBalancer: { simple: 'RANDOM' } }] }), path: 'spec.trafficPolicy.portLevelSettings[0].port.number', gist: /between 1 and 65535/ },
  { name: 'Should reject two port-level entries for one port', spec: withPolicy({ portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'RANDOM' } }, { port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL' } }] }), path: 'spec.trafficPolicy.portLevelSettings[1].port.number', gist: /already has settings/ },
  { name: 'Should reject port-level settings that set no policy', spec: withPolicy({ portLevelSettings: [{ port: { number: 80 } }] }), path: 'spec.trafficPolicy.portLevelSettings[0]', gist: /need at least one of/ },
  { name: 'Should reject a problem inside port-level settings at its path', spec: withPolicy({ portLevelSettings: [{ port: { number: 80 }, outlierDetection: { maxEjectionPercent: 101 } }] }), path: 'spec.trafficPolicy.portLevelSettings[0].outlierDetection.maxEjectionPercent', gist: /between 0 and 100/ },
  // Tunnel, visibility and workload selector.
  { name: 'Should reject a tunnel together with proxyProtocol', spec: withPolicy({ tunnel: { targetHost: 'egress.example.com', targetPort: 8443 }, proxyProtocol: { version: 'V1' } }), path: 'spec.trafficPolicy.proxyProtocol', gist: /cannot be set with tunnel/ },
  { name: 'Should reject a tunnel target port out of range', spec: withPolicy({ tunnel: { targetHost: 'egress.example.com', targetPort: 0 } }), path: 'spec.trafficPolicy.tunnel.targetPort', gist: /between 1 and 65535/ },
  { name: 'Should reject "~" in exportTo', spec: { host: 'reviews', exportTo: ['~'] }, path: 'spec.exportTo[0]', gist: /visible to no one/ },
  { name: 'Should reject a workload-scoped rule exported beyond its namespace', spec: { host: 'reviews', workloadSelector: { matchLabels: { app: 'ratings' } }, exportTo: ['*'] }, path: 'spec.exportTo', gist: /only be exported to its own namespace/ },
  { name: 'Should reject a wildcard in a workload selector', spec: { host: 'reviews', workloadSelector: { matchLabels: { app: 'rat*' } } }, path: 'spec.workloadSelector.matchLabels.app', gist: /wildcards are not supported/ },
  { name: 'Should warn about a workload selector without labels', spec: { host: 'reviews', workloadSelector: {} }, path: 'spec.workloadSelector', gist: /warning: .*selects every workload/ },
];

for (const c of CASES) {
  test(c.name, () => {
    const problems = /^warning/.test(c.gist.source) ? problemsOf(destinationRule(c.spec)) : errorsOf(destinationRule(c.spec));
    assertProblemAt(problems, c.path, c.gist);
  });
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';
import { createIstioMetrics, DURATION_BUCKETS_MS, SIZE_BUCKETS_BYTES } from './istio-metrics.js';
import { httpRequestChannel, tcpConnectionChannel, UNKNOWN_PEER, type HttpRequestEvent } from './events.js';
import { RESPONSE_FLAGS } from './response-flags.js';
import { httpEvent, tcpEvent, PRODUCTPAGE } from './test-events.js';

interface Sample {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  return (await metric.get()).values as Sample[];
}

const EXPECTED_HTTP_LABELS = {
  reporter: 'destination',
  source_workload: 'productpage-v1',
  source_workload_namespace: 'default',
  source_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage',
  source_app: 'productpage',
  source_version: 'v1',
  source_canonical_service: 'productpage',
  source_canonical_revision: 'v1',
  source_cluster: 'Kubernetes',
  destination_workload: 'reviews-v2',
  destination_workload_namespace: 'default',
  destination_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews',
  destination_app: 'reviews',
  destination_version: 'v2',
  destination_service: 'reviews.default.svc.cluster.local',
  destination_service_name: 'reviews',
  destination_service_namespace: 'default',
  destination_canonical_service: 'reviews',
  destination_canonical_revision: 'v2',
  destination_cluster: 'Kubernetes',
  request_protocol: 'http',
  response_code: '200',
  grpc_response_status: '',
  response_flags: '-',
  connection_security_policy: 'mutual_tls',
};

describe('createIstioMetrics', () => {
  it("Should count a published HTTP request with exactly Istio's labels, and stop counting after stop()", async () => {
    const metrics = createIstioMetrics();
    metrics.start();
    httpRequestChannel.publish(httpEvent());
    metrics.stop();
    httpRequestChannel.publish(httpEvent());
    const [sample, ...rest] = await samples(metrics.registry, 'istio_requests_total');
    assert.equal(rest.length, 0);
    assert.deepEqual(sample?.labels, EXPECTED_HTTP_LABELS);
    assert.equal(sample?.value, 1);
  });

  it("Should use Istio's duration and size buckets", async () => {
    const metrics = createIstioMetrics();
    metrics.recordHttp(httpEvent({ durationMs: 7, requestBytes: 0, responseBytes: 358 }));
    const buckets = async (name: string): Promise<Map<string, number>> =>
      new Map(
        (await samples(metrics.registry, name))
          .filter((s) => s.metricName === `${name}_bucket`)
          .map((s) => [String(s.labels['le']), s.value]),
      );
    const duration = await buckets('istio_request_duration_milliseconds');
    assert.deepEqual([...duration.keys()], [...DURATION_BUCKETS_MS.map(String), '+Inf']);
    assert.equal(duration.get('5'), 0);
    assert.equal(duration.get('10'), 1);
    const response = await buckets('istio_response_bytes');
    assert.deepEqual([...response.keys()], [...SIZE_BUCKETS_BYTES.map(String), '+Inf']);
    assert.deepEqual(SIZE_BUCKETS_BYTES, [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000]);
    assert.equal(response.get('100'), 0);
    assert.equal(response.get('1000'), 1);
    assert.equal((await buckets('istio_request_bytes')).get('1'), 1);
  });

  it('Should count a TCP open and close pair once each, with the bytes from the close', async () => {
    const metrics = createIstioMetrics();
    metrics.start();
    tcpConnectionChannel.publish(tcpEvent({ phase: 'open' }));
    tcpConnectionChannel.publish(tcpEvent({ phase: 'close', durationMs: 900, bytesReceived: 120, bytesSent: 4096 }));
    metrics.stop();
    const value = async (name: string): Promise<number | undefined> => (await samples(metrics.registry, name))[0]?.value;
    assert.equal(await value('istio_tcp_connections_opened_total'), 1);
    assert.equal(await value('istio_tcp_connections_closed_total'), 1);
    assert.equal(await value('istio_tcp_received_bytes_total'), 120);
    assert.equal(await value('istio_tcp_sent_bytes_total'), 4096);
    const labels = (await samples(metrics.registry, 'istio_tcp_connections_opened_total'))[0]?.labels ?? {};
    assert.equal(labels['request_protocol'], 'tcp');
    assert.equal(labels['connection_security_policy'], 'none');
    assert.equal(labels['destination_service_name'], 'mongodb');
    assert.ok(!('response_code' in labels) && !('grpc_response_status' in labels), 'TCP metrics carry no HTTP-only labels');
    assert.equal(Object.keys(labels).length, 23);
  });

  it('Should print unknown for an unknown peer, latest for its revision, and the flags joined', async () => {
    const metrics = createIstioMetrics();
    const flags = [RESPONSE_FLAGS.UPSTREAM_OVERFLOW, RESPONSE_FLAGS.UPSTREAM_RETRY_LIMIT_EXCEEDED];
    metrics.recordHttp(httpEvent({ source: UNKNOWN_PEER, responseCode: 503, responseFlags: flags, destinationService: undefined, connectionSecurityPolicy: 'unknown' }));
    const labels = (await samples(metrics.registry, 'istio_requests_total'))[0]?.labels ?? {};
    assert.equal(labels['source_workload'], 'unknown');
    assert.equal(labels['source_principal'], 'unknown');
    assert.equal(labels['source_canonical_service'], 'unknown');
    assert.equal(labels['source_canonical_revision'], 'latest');
    assert.equal(labels['destination_service'], 'unknown');
    assert.equal(labels['destination_service_name'], 'unknown');
    assert.equal(labels['destination_service_namespace'], 'default');
    assert.equal(labels['response_code'], '503');
    assert.equal(labels['response_flags'], 'UO,URX');
    assert.equal(labels['connection_security_policy'], 'unknown');
  });

  it('Should label gRPC requests with their status and keep distinct label sets apart', async () => {
    const metrics = createIstioMetrics();
    metrics.recordHttp(httpEvent({ requestProtocol: 'grpc', grpcStatus: '14', protocol: 'HTTP/2' }));
    metrics.recordHttp(httpEvent({ requestProtocol: 'grpc', grpcStatus: '0', protocol: 'HTTP/2' }));
    metrics.recordHttp(httpEvent({ requestProtocol: 'grpc', grpcStatus: '0', protocol: 'HTTP/2' }));
    const rows = (await samples(metrics.registry, 'istio_requests_total')).map((s) => [s.labels['request_protocol'], s.labels['grpc_response_status'], s.value]);
    assert.deepEqual(rows.sort(), [['grpc', '0', 2], ['grpc', '14', 1]]);
  });

  it('Should keep apart label sets that differ in any one field, and find each again', async () => {
    const metrics = createIstioMetrics();
    const variants = [
      httpEvent(),
      httpEvent({ reporter: 'source' }),
      httpEvent({ source: UNKNOWN_PEER }),
      httpEvent({ destination: PRODUCTPAGE }),
      httpEvent({ destinationService: 'ratings.default.svc.cluster.local' }),
      httpEvent({ responseCode: 404 }),
      httpEvent({ responseFlags: [RESPONSE_FLAGS.NO_ROUTE_FOUND] }),
      httpEvent({ responseFlags: [RESPONSE_FLAGS.UPSTREAM_OVERFLOW, RESPONSE_FLAGS.NO_ROUTE_FOUND] }),
      httpEvent({ connectionSecurityPolicy: 'none' }),
      httpEvent({ requestProtocol: 'grpc', grpcStatus: '2' }),
    ];
    for (let round = 0; round < 2; round++) for (const v of variants) metrics.recordHttp({ ...v, source: round === 0 ? v.source : { ...v.source } });
    const all = await samples(metrics.registry, 'istio_requests_total');
    assert.equal(all.length, variants.length);
    assert.ok(all.every((s) => s.value === 2), 'each label set counted twice');
  });

  it('Should give each instance its own registry', async () => {
    const a = createIstioMetrics();
    const b = createIstioMetrics();
    a.recordHttp(httpEvent());
    assert.notEqual(a.registry, b.registry);
    assert.match(await a.metrics(), /istio_requests_total\{reporter="destination"/);
    assert.doesNotMatch(await b.metrics(), /istio_requests_total\{/);
  });

  it('Should record a steady stream of alike requests cheaply, also when the peer objects are new', async (t) => {
    const metrics = createIstioMetrics();
    const same = httpEvent();
    const fresh = Array.from({ length: 1000 }, () => httpEvent({ source: { ...PRODUCTPAGE } }));
    const n = 100_000;
    // CPU time, not wall time: other processes share this machine's cores.
    const cpuNsPerEvent = (events: (i: number) => HttpRequestEvent): number => {
      for (let i = 0; i < 20_000; i++) metrics.recordHttp(events(i));
      const before = process.cpuUsage();
      for (let i = 0; i < n; i++) metrics.recordHttp(events(i));
      const used = process.cpuUsage(before);
      return ((used.user + used.system) * 1000) / n;
    };
    const sameNs = cpuNsPerEvent(() => same);
    const freshNs = cpuNsPerEvent((i) => fresh[i % fresh.length]!);
    t.diagnostic(`recordHttp: ${sameNs.toFixed(0)} ns CPU/event (same event), ${freshNs.toFixed(0)} ns CPU/event (new, equal peer objects)`);
    const all = await samples(metrics.registry, 'istio_requests_total');
    assert.equal(all.length, 1, 'equal peers share one label set');
    assert.equal(all[0]?.value, 2 * (n + 20_000));
  });
});

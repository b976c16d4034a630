// Istio's standard metrics (istio_requests_total and friends), fed by the data path's telemetry events.
import { Registry } from 'prom-client';
import { CounterFamily, type CounterSeries } from './metric-counter.js';
import { HistogramFamily, type HistogramSeries } from './metric-histogram.js';
import type { HttpRequestEvent, TcpConnectionEvent } from './events.js';
import { MetricKeyCache } from './metric-key-cache.js';
import { httpRequestChannel, tcpConnectionChannel } from './events.js';
import { HTTP_LABEL_NAMES, TCP_LABEL_NAMES, httpLabelValues, tcpLabelValues } from './istio-labels.js';

/** Envoy's default histogram buckets, which Istio's sidecars use for request durations (ms). */
export const DURATION_BUCKETS_MS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** Istio's size buckets: exponential, scale 1, growth factor 10, 8 finite buckets (1 B to 100 MB). */
export const SIZE_BUCKETS_BYTES: readonly number[] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/** Distinct label sets remembered before the key cache starts over (the families keep every series). */
const MAX_CACHED_LABEL_SETS = 10_000;

export interface IstioMetricsOptions {
  /** The registry to register in; a new private one by default (never prom-client's global one). */
  readonly registry?: Registry;
}

/** Istio's standard metrics, in their own registry. */
export interface IstioMetrics {
  readonly registry: Registry;
  /** Subscribes to the HTTP and TCP telemetry channels; calling it twice is harmless. */
  start(): void;
  /** Unsubscribes from both channels; the recorded values stay. */
  stop(): void;
  /** Records one HTTP request, as a published event would. */
  recordHttp(e: HttpRequestEvent): void;
  /** Records one TCP open (opened count) or close (closed count and the connection's bytes). */
  recordTcp(e: TcpConnectionEvent): void;
  /** The registry in Prometheus text exposition format. */
  metrics(): Promise<string>;
}

interface HttpSeries {
  readonly requests: CounterSeries;
  readonly duration: HistogramSeries;
  readonly requestBytes: HistogramSeries;
  readonly responseBytes: HistogramSeries;
}

interface TcpSeries {
  readonly opened: CounterSeries;
  readonly closed: CounterSeries;
  readonly sent: CounterSeries;
  readonly received: CounterSeries;
}

/**
 * Creates the metrics. Label values are those Istio prints ("unknown" for an unknown peer, "latest"
 * for a missing revision). The series are cached per distinct label set, so a steady stream of
 * alike requests costs a few Map lookups on small numbers and some additions per event.
 */
export function createIstioMetrics(options: IstioMetricsOptions = {}): IstioMetrics {
  const registry = options.registry ?? new Registry();
  const http = HTTP_LABEL_NAMES;
  const tcp = TCP_LABEL_NAMES;
  const requests = new CounterFamily('istio_requests_total', 'Requests', http).registerIn(registry);
  const duration = new HistogramFamily('istio_request_duration_milliseconds', 'Request duration in milliseconds', http, DURATION_BUCKETS_MS).registerIn(registry);
  const requestBytes = new HistogramFamily('istio_request_bytes', 'Request body size in bytes', http, SIZE_BUCKETS_BYTES).registerIn(registry);
  const responseBytes = new HistogramFamily('istio_response_bytes', 'Response body size in bytes', http, SIZE_BUCKETS_BYTES).registerIn(registry);
  const tcpCounter = (name: string, help: string): CounterFamily => new CounterFamily(name, help, tcp).registerIn(registry);
  const sent = tcpCounter('istio_tcp_sent_bytes_total', 'Bytes sent to the downstream on TCP connections');
  const received = tcpCounter('istio_tcp_received_bytes_total', 'Bytes received from the downstream on TCP connections');
  const opened = tcpCounter('istio_tcp_connections_opened_total', 'TCP connections opened');
  const closed = tcpCounter('istio_tcp_connections_closed_total', 'TCP connections closed');

  const httpCache = new MetricKeyCache<HttpSeries>(MAX_CACHED_LABEL_SETS);
  const tcpCache = new MetricKeyCache<TcpSeries>(MAX_CACHED_LABEL_SETS);

  function httpSeries(e: HttpRequestEvent): HttpSeries {
    const grpcStatus = e.requestProtocol === 'grpc' ? e.grpcStatus : undefined;
    let c = httpCache.get(e, e.responseCode, grpcStatus);
    if (c === undefined) {
      const v = httpLabelValues(e);
      c = { requests: requests.seriesFor(v), duration: duration.seriesFor(v), requestBytes: requestBytes.seriesFor(v), responseBytes: responseBytes.seriesFor(v) };
      httpCache.set(e, e.responseCode, grpcStatus, c);
    }
    return c;
  }

  function tcpSeries(e: TcpConnectionEvent): TcpSeries {
    let c = tcpCache.get(e, 0, undefined);
    if (c === undefined) {
      const v = tcpLabelValues(e);
      c = { opened: opened.seriesFor(v), closed: closed.seriesFor(v), sent: sent.seriesFor(v), received: received.seriesFor(v) };
      tcpCache.set(e, 0, undefined, c);
    }
    return c;
  }

  function recordHttp(e: HttpRequestEvent): void {
    const c = httpSeries(e);
    c.requests.value++;
    duration.observe(c.duration, e.durationMs);
    requestBytes.observe(c.requestBytes, e.requestBytes);
    responseBytes.observe(c.responseBytes, e.responseBytes);
  }

  function recordTcp(e: TcpConnectionEvent): void {
    const c = tcpSeries(e);
    if (e.phase === 'open') {
      c.opened.value++;
      return;
    }
    // The close event carries the connection's totals, so bytes are counted once, here.
    c.closed.value++;
    c.sent.value += e.bytesSent;
    c.received.value += e.bytesReceived;
  }

  const onHttp = (message: unknown): void => recordHttp(message as HttpRequestEvent);
  const onTcp = (message: unknown): void => recordTcp(message as TcpConnectionEvent);
  let started = false;

  return {
    registry,
    start() {
      if (started) return;
      started = true;
      httpRequestChannel.subscribe(onHttp);
      tcpConnectionChannel.subscribe(onTcp);
    },
    stop() {
      if (!started) return;
      started = false;
      httpRequestChannel.unsubscribe(onHttp);
      tcpConnectionChannel.unsubscribe(onTcp);
    },
    recordHttp,
    recordTcp,
    metrics: () => registry.metrics(),
  };
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessLog } from './access-log.js';
import { httpRequestChannel, tcpConnectionChannel } from './events.js';
import { RESPONSE_FLAGS } from './response-flags.js';
import { httpEvent, tcpEvent } from './test-events.js';

/** An access log whose flushes run only when the test says so. */
function manualLog(maxBufferedLines?: number) {
  const writes: string[] = [];
  const pending: (() => void)[] = [];
  const log = createAccessLog({
    write: (lines) => writes.push(lines),
    format: 'json',
    schedule: (fn) => pending.push(fn),
    ...(maxBufferedLines ? { maxBufferedLines } : {}),
  });
  const runScheduled = (): void => {
    for (const fn of pending.splice(0)) fn();
  };
  return { log, writes, runScheduled, pending };
}

describe('createAccessLog', () => {
  it("Should write one JSON line per request with Envoy's field names", () => {
    const { log, writes, runScheduled } = manualLog();
    log.logHttp(httpEvent({ responseCode: 503, responseFlags: [RESPONSE_FLAGS.UPSTREAM_OVERFLOW], upstreamServiceTimeMs: undefined }));
    runScheduled();
    assert.equal(writes.length, 1);
    assert.ok(writes[0]!.endsWith('\n'));
    const entry = JSON.parse(writes[0]!) as Record<string, unknown>;
    assert.deepEqual(entry, {
      start_time: '2026-11-28T12:00:00.250Z',
      method: 'GET',
      path: '/reviews/0',
      protocol: 'HTTP/1.1',
      response_code: 503,
      response_flags: 'UO',
      response_code_details: null,
      connection_termination_details: null,
      upstream_transport_failure_reason: null,
      bytes_received: 0,
      bytes_sent: 358,
      duration: 7,
      upstream_service_time: null,
      x_forwarded_for: '10.0.0.5',
      user_agent: 'curl/8.5.0',
      request_id: '7c1c6b2e-0000-4000-8000-000000000001',
      authority: 'reviews:9080',
      upstream_host: '127.0.0.1:9080',
      upstream_cluster: 'inbound|9080||',
      upstream_local_address: null,
      downstream_local_address: '10.0.0.7:9080',
      downstream_remote_address: '10.0.0.5:51234',
      requested_server_name: 'outbound_.9080_._.reviews.default.svc.cluster.local',
      route_name: 'default',
    });
  });

  it('Should log a TCP connection when it closes, not when it opens', () => {
    const { log, writes, runScheduled } = manualLog();
    log.logTcp(tcpEvent({ phase: 'open' }));
    log.logTcp(tcpEvent({ phase: 'close', bytesReceived: 10, bytesSent: 20, durationMs: 1500.4 }));
    runScheduled();
    const lines = writes.join('').trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(entry['bytes_received'], 10);
    assert.equal(entry['bytes_sent'], 20);
    assert.equal(entry['duration'], 1500);
    assert.equal(entry['method'], null);
    assert.equal(entry['upstream_cluster'], 'inbound|27017||');
  });

  it('Should batch lines into one write per scheduled flush', () => {
    const { log, writes, runScheduled, pending } = manualLog();
    for (let i = 0; i < 3; i++) log.logHttp(httpEvent({ requestId: `r${i}` }));
    assert.equal(writes.length, 0, 'nothing is written before the flush runs');
    assert.equal(pending.length, 1, 'one flush is scheduled for the batch');
    runScheduled();
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]!.trimEnd().split('\n').map((l) => (JSON.parse(l) as { request_id: string }).request_id), ['r0', 'r1', 'r2']);
  });

  it('Should flush at once when the buffer is full, and on stop', () => {
    const { log, writes } = manualLog(2);
    log.logHttp(httpEvent());
    log.logHttp(httpEvent());
    assert.equal(writes.length, 1);
    log.logHttp(httpEvent());
    log.stop();
    assert.equal(writes.length, 2);
  });

  it('Should log published events only while started', () => {
    const { log, writes, runScheduled } = manualLog();
    log.start();
    httpRequestChannel.publish(httpEvent({ requestId: 'seen' }));
    tcpConnectionChannel.publish(tcpEvent({ phase: 'close' }));
    log.stop();
    httpRequestChannel.publish(httpEvent({ requestId: 'unseen' }));
    runScheduled();
    const all = writes.join('');
    assert.match(all, /"request_id":"seen"/);
    assert.doesNotMatch(all, /unseen/);
    assert.equal(all.trimEnd().split('\n').length, 2);
  });

  it('Should escape header values so every line stays valid JSON', () => {
    const { log, writes, runScheduled } = manualLog();
    const nasty = 'a"b\\c\n\u0001\u2028\ud800';
    log.logHttp(httpEvent({ userAgent: nasty, path: '/p?q="x"', forwardedFor: undefined, requestId: '' }));
    runScheduled();
    const entry = JSON.parse(writes[0]!) as Record<string, unknown>;
    assert.equal(entry['user_agent'], nasty);
    assert.equal(entry['path'], '/p?q="x"');
    assert.equal(entry['x_forwarded_for'], null);
    assert.equal(entry['request_id'], null);
  });

  it('Should refuse a format it does not know', () => {
    assert.throws(() => createAccessLog({ write: () => {}, format: 'text' as 'json' }), TypeError);
  });
});

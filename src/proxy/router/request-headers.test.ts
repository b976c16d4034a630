import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionInfo } from '../http/exchange.js';
import { prepareRequestHeaders, requestHeaderOptions, type RequestHeaderOptions } from './request-headers.js';
import { requestHead } from './route-fixtures.js';
import { randomHexId } from './trace-ids.js';

const conn: ConnectionInfo = { remoteAddress: '10.1.2.3', remotePort: 40000, localAddress: '10.1.2.4', localPort: 15006, destinationAddress: '10.1.2.4', destinationPort: 9080, tls: false };
const OUTBOUND: RequestHeaderOptions = { generateRequestId: true, useRemoteAddress: false, startTraces: false };
const EDGE: RequestHeaderOptions = { generateRequestId: true, useRemoteAddress: true, startTraces: false };
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = /^[0-9a-f]{16}$/;

function run(headers: [string, string][], options: RequestHeaderOptions, scheme: 'http' | 'https' = 'http') {
  const head = requestHead('/', { headers, scheme });
  prepareRequestHeaders(head, conn, options);
  return head.headers;
}

test('Should generate a UUID x-request-id only when absent', () => {
  assert.match(run([], OUTBOUND).get('x-request-id')!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(run([['x-request-id', 'abc']], OUTBOUND).getAll('x-request-id'), ['abc']);
  assert.equal(run([], { ...OUTBOUND, generateRequestId: false }).has('x-request-id'), false);
});

test('Should set x-forwarded-proto when absent and keep a client one on outbound', () => {
  assert.equal(run([], OUTBOUND, 'https').get('x-forwarded-proto'), 'https');
  assert.equal(run([['x-forwarded-proto', 'https']], OUTBOUND, 'http').get('x-forwarded-proto'), 'https');
});

test('Should overwrite x-forwarded-proto and append x-forwarded-for at the edge', () => {
  const h = run([['x-forwarded-proto', 'https'], ['x-forwarded-for', '1.1.1.1']], EDGE, 'http');
  assert.equal(h.get('x-forwarded-proto'), 'http');
  assert.equal(h.get('x-forwarded-for'), '1.1.1.1, 10.1.2.3');
  assert.equal(run([], EDGE).get('x-forwarded-for'), '10.1.2.3');
  assert.equal(run([['x-forwarded-for', '1.1.1.1']], OUTBOUND).get('x-forwarded-for'), '1.1.1.1');
});

test('Should keep the trace id and flags of a traceparent and give this hop a new span id', () => {
  const h = run([['traceparent', `00-${TRACE}-00f067aa0ba902b7-01`], ['tracestate', 'congo=t61rcWkgMzE']], OUTBOUND);
  const [version, trace, span, flags] = h.get('traceparent')!.split('-');
  assert.deepEqual([version, trace, flags], ['00', TRACE, '01']);
  assert.match(span!, SPAN);
  assert.notEqual(span, '00f067aa0ba902b7');
  assert.equal(h.get('tracestate'), 'congo=t61rcWkgMzE');
});

test('Should leave an invalid traceparent alone', () => {
  for (const bad of [`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, 'ff-' + TRACE + '-00f067aa0ba902b7-01', 'garbage']) {
    assert.equal(run([['traceparent', bad]], OUTBOUND).get('traceparent'), bad);
  }
});

test('Should move the B3 span id to the parent span id and keep trace and sampling', () => {
  const h = run([['x-b3-traceid', TRACE], ['x-b3-spanid', 'a2fb4a1d1a96d312'], ['x-b3-parentspanid', '0020000000000001'], ['x-b3-sampled', '1']], OUTBOUND);
  assert.equal(h.get('x-b3-traceid'), TRACE);
  assert.equal(h.get('x-b3-parentspanid'), 'a2fb4a1d1a96d312');
  assert.match(h.get('x-b3-spanid')!, SPAN);
  assert.notEqual(h.get('x-b3-spanid'), 'a2fb4a1d1a96d312');
  assert.equal(h.get('x-b3-sampled'), '1');
});

test('Should give W3C and B3 the same new span id', () => {
  const h = run([['traceparent', `00-${TRACE}-00f067aa0ba902b7-00`], ['x-b3-traceid', TRACE], ['x-b3-spanid', '00f067aa0ba902b7']], OUTBOUND);
  assert.equal(h.get('traceparent')!.split('-')[2], h.get('x-b3-spanid'));
});

test('Should start a sampled trace only when asked to', () => {
  assert.equal(run([], OUTBOUND).has('traceparent'), false);
  const h = run([], { ...OUTBOUND, startTraces: true });
  const [version, trace, span, flags] = h.get('traceparent')!.split('-');
  assert.equal(version, '00');
  assert.match(trace!, /^[0-9a-f]{32}$/);
  assert.equal(flags, '01');
  assert.equal(h.get('x-b3-traceid'), trace);
  assert.equal(h.get('x-b3-spanid'), span);
  assert.equal(h.get('x-b3-sampled'), '1');
});

test('Should make distinct non-zero hex ids across pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(randomHexId(8));
  assert.equal(seen.size, 2000);
  for (const id of seen) assert.match(id, SPAN);
});

const TRACEPARENTS: [string, boolean][] = [
  [`00-${TRACE}-00f067aa0ba902b7-01`, true],
  [`01-${TRACE}-00f067aa0ba902b7-01-future`, true],
  [`00-${TRACE}-00f067aa0ba902b7-01-extra`, false],
  [`00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`, false],
  [`00-${TRACE}-0000000000000000-01`, false],
  [`00-${TRACE}-00f067aa0ba902b7`, false],
  [`ff-${TRACE}-00f067aa0ba902b7-01`, false],
];
for (const [tp, valid] of TRACEPARENTS) {
  test(`Should ${valid ? 'continue' : 'leave alone'} the traceparent ${tp}`, () => {
    const out = run([['traceparent', tp]], OUTBOUND).get('traceparent')!;
    if (valid) assert.match(out, new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    else assert.equal(out, tp);
  });
}

test('Should make the header options once per connection manager config, from its settings', () => {
  const hcm = { generateRequestId: true, useRemoteAddress: false } as Parameters<typeof requestHeaderOptions>[0];
  const options = requestHeaderOptions(hcm);
  assert.deepEqual(options, { generateRequestId: true, useRemoteAddress: false, startTraces: false });
  assert.equal(requestHeaderOptions(hcm), options);
  const edge = requestHeaderOptions({ ...hcm, useRemoteAddress: true });
  assert.equal(edge.useRemoteAddress, true);
});

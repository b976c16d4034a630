import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderMap } from '../http/headers.js';
import { requestHead } from '../router/route-fixtures.js';
import { buildLocalReply, encodeGrpcMessage, grpcStatusForHttp, LOCAL_REPLY_BODY, upstreamFailureBody } from './local-reply.js';

test('Should answer a plain request with text/plain and the body', () => {
  const r = buildLocalReply(requestHead('/'), 503, LOCAL_REPLY_BODY.NO_HEALTHY_UPSTREAM);
  assert.equal(r.head.status, 503);
  assert.deepEqual(r.head.headers.toRecord(), { 'content-type': 'text/plain', 'content-length': '19' });
  assert.equal(r.body?.toString(), 'no healthy upstream');
});

test('Should send no body for HEAD but keep its length', () => {
  const r = buildLocalReply(requestHead('/', { method: 'HEAD' }), 504, LOCAL_REPLY_BODY.UPSTREAM_TIMEOUT);
  assert.equal(r.body, undefined);
  assert.equal(r.head.headers.get('content-length'), String('upstream request timeout'.length));
});

test('Should send an empty 404 for no route, as Envoy does', () => {
  const r = buildLocalReply(requestHead('/'), 404, LOCAL_REPLY_BODY.NO_ROUTE);
  assert.equal(r.body, undefined);
  assert.deepEqual(r.head.headers.toRecord(), { 'content-length': '0' });
});

test('Should answer a gRPC request with a trailers-only error', () => {
  const r = buildLocalReply(requestHead('/pkg.Svc/Call', { method: 'POST', headers: [['content-type', 'application/grpc+proto']] }), 503, LOCAL_REPLY_BODY.NO_HEALTHY_UPSTREAM);
  assert.equal(r.head.status, 200);
  assert.equal(r.body, undefined);
  assert.deepEqual(r.head.headers.toRecord(), { 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'no healthy upstream' });
});

test('Should use an explicit gRPC status and add extra headers', () => {
  const r = buildLocalReply(requestHead('/', { headers: [['content-type', 'application/grpc']] }), 200, LOCAL_REPLY_BODY.FAULT_ABORT, 8, new HeaderMap(['x-envoy-overloaded', 'true']));
  assert.equal(r.head.headers.get('grpc-status'), '8');
  assert.equal(r.head.headers.get('x-envoy-overloaded'), 'true');
});

const MAPPING: [number, number][] = [
  [400, 13],
  [401, 16],
  [403, 7],
  [404, 12],
  [429, 14],
  [502, 14],
  [503, 14],
  [504, 14],
  [500, 2],
  [418, 2],
];
for (const [http, grpc] of MAPPING) {
  test(`Should map HTTP ${http} to gRPC status ${grpc}`, () => {
    assert.equal(grpcStatusForHttp(http), grpc);
  });
}

test("Should word upstream failures as Envoy does", () => {
  assert.equal(upstreamFailureBody('connect_failure', false), 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
  assert.equal(upstreamFailureBody('reset_before_response', true), 'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection termination');
});

test('Should percent-encode a grpc-message outside printable ASCII', () => {
  assert.equal(encodeGrpcMessage('RBAC: access denied'), 'RBAC: access denied');
  assert.equal(encodeGrpcMessage('100% sure\n'), '100%25 sure%0A');
  assert.equal(encodeGrpcMessage('é'), '%C3%A9');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultPolicy } from '../config/route.js';
import { draws, requestHead } from '../router/route-fixtures.js';
import { decideFault } from './fault.js';

const DELAY_ALL: FaultPolicy = { delay: { fixedDelayMs: 7000, percentagePpm: 1_000_000 } };
const ABORT_10: FaultPolicy = { abort: { httpStatus: 503, percentagePpm: 100_000 } };
const BOTH: FaultPolicy = { delay: { fixedDelayMs: 100, percentagePpm: 500_000 }, abort: { httpStatus: 500, percentagePpm: 500_000 } };

const CASES: { name: string; policy: FaultPolicy | undefined; headers?: [string, string][]; random: number[]; expect: object }[] = [
  { name: 'do nothing without a policy', policy: undefined, random: [], expect: {} },
  { name: 'delay every request at 100%', policy: DELAY_ALL, random: [0.999999], expect: { delayMs: 7000 } },
  { name: 'abort a request drawn under the percentage', policy: ABORT_10, random: [0.0999], expect: { abort: { httpStatus: 503 } } },
  { name: 'let a request drawn at the percentage through', policy: ABORT_10, random: [0.1], expect: {} },
  { name: 'delay and abort with separate draws', policy: BOTH, random: [0.1, 0.2], expect: { delayMs: 100, abort: { httpStatus: 500 } } },
  { name: 'abort without delay when only the abort draw wins', policy: BOTH, random: [0.9, 0.2], expect: { abort: { httpStatus: 500 } } },
  { name: 'abort with a gRPC status', policy: { abort: { grpcStatus: 14, percentagePpm: 1_000_000 } }, random: [0], expect: { abort: { httpStatus: 200, grpcStatus: 14 } } },
  { name: 'ignore fault headers unless header control is on', policy: DELAY_ALL, headers: [['x-envoy-fault-delay-request', '5'], ['x-envoy-fault-abort-request', '500']], random: [0], expect: { delayMs: 7000 } },
  {
    name: 'take the delay from the header under header control',
    policy: { headerControlled: true },
    headers: [['x-envoy-fault-delay-request', '250']],
    random: [0.5],
    expect: { delayMs: 250 },
  },
  {
    name: 'take the abort status from the header under header control',
    policy: { headerControlled: true },
    headers: [['x-envoy-fault-abort-request', '429']],
    random: [0.5],
    expect: { abort: { httpStatus: 429 } },
  },
  {
    name: 'take a gRPC abort from the header under header control',
    policy: { headerControlled: true },
    headers: [['x-envoy-fault-abort-grpc-request', '8']],
    random: [0.5],
    expect: { abort: { httpStatus: 200, grpcStatus: 8 } },
  },
  {
    name: 'ignore an abort header outside 200-599',
    policy: { headerControlled: true },
    headers: [['x-envoy-fault-abort-request', '999']],
    random: [],
    expect: {},
  },
  {
    name: 'apply the header percentage',
    policy: { headerControlled: true },
    headers: [['x-envoy-fault-abort-request', '500'], ['x-envoy-fault-abort-request-percentage', '30']],
    random: [0.31],
    expect: {},
  },
  {
    name: 'cap the header percentage by the configured one',
    policy: { headerControlled: true, abort: { httpStatus: 503, percentagePpm: 100_000 } },
    headers: [['x-envoy-fault-abort-request-percentage', '50']],
    random: [0.2],
    expect: {},
  },
  {
    name: 'apply a lower delay percentage from the header',
    policy: { headerControlled: true, delay: { fixedDelayMs: 10, percentagePpm: 1_000_000 } },
    headers: [['x-envoy-fault-delay-request-percentage', '20']],
    random: [0.19],
    expect: { delayMs: 10 },
  },
];

for (const c of CASES) {
  test(`Should ${c.name}`, () => {
    assert.deepEqual(decideFault(c.policy, requestHead('/', { headers: c.headers ?? [] }), draws(...c.random)), c.expect);
  });
}

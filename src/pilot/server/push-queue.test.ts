import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENDPOINT_TYPE, LISTENER_TYPE } from '../../xds/index.js';
import type { PushContext } from '../model/push-context.js';
import { createPushQueue } from './push-queue.js';
import { pushConcerns, type PushRequest } from './push-request.js';
import type { Timers } from './timers.js';

const push = (version: string) => ({ version }) as unknown as PushContext;
const request = (version: string, full: boolean, hosts?: string[], start = 0): PushRequest => ({
  full,
  ...(hosts ? { hosts: new Set(hosts) } : {}),
  push: push(version),
  start,
  reasons: new Set([full ? 'config' : 'endpoints']),
});

function steppedTimers(): Timers & { step(): boolean } {
  const deferred: Array<() => void> = [];
  return {
    now: () => 0,
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    defer: (fn) => void deferred.push(fn),
    step: () => {
      const fn = deferred.shift();
      fn?.();
      return fn !== undefined;
    },
  };
}

test('Should merge pushes queued for a waiting connection into one, keeping its place', () => {
  const timers = steppedTimers();
  const done: string[] = [];
  const queue = createPushQueue<string>({
    timers,
    process: (conn, req) => done.push(`${conn}:${req.push.version}:${req.full}:${[...(req.hosts ?? [])].join('+')}:${req.start}`),
    onError: () => undefined,
  });
  queue.enqueue('a', request('v1', false, ['x'], 5));
  queue.enqueue('b', request('v1', false, ['x'], 5));
  queue.enqueue('a', request('v2', false, ['y'], 9));
  assert.equal(queue.pending(), 2);
  while (timers.step());
  assert.deepEqual(done, ['a:v2:false:x+y:5', 'b:v1:false:x:5']);
});

test('Should yield between batches and carry on after a push that throws', async () => {
  const timers = steppedTimers();
  const done: string[] = [];
  const errors: string[] = [];
  const queue = createPushQueue<string>({
    timers,
    batchSize: 2,
    process: (conn) => {
      if (conn === 'b') throw new Error('boom');
      done.push(conn);
    },
    onError: (conn) => errors.push(conn),
  });
  for (const c of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(c, request('v1', true));
  const idle = queue.idle();
  timers.step();
  assert.deepEqual(done, ['a'], 'one batch per turn');
  while (timers.step());
  await idle;
  assert.deepEqual(done, ['a', 'c', 'd', 'e']);
  assert.deepEqual(errors, ['b']);
});

test('Should let an EDS-only push concern only EDS watches of changed hosts', () => {
  const eds = request('v1', false, ['reviews.default.svc.cluster.local']);
  assert.equal(pushConcerns(eds, LISTENER_TYPE, undefined), false);
  assert.equal(pushConcerns(eds, ENDPOINT_TYPE, undefined), true, 'a wildcard EDS watch');
  assert.equal(pushConcerns(eds, ENDPOINT_TYPE, new Set(['outbound|9080|v1|reviews.default.svc.cluster.local'])), true);
  assert.equal(pushConcerns(eds, ENDPOINT_TYPE, new Set(['outbound|9080||ratings.default.svc.cluster.local'])), false);
  assert.equal(pushConcerns(eds, ENDPOINT_TYPE, new Set(['my-own-cluster'])), true, 'names Heddle cannot read are pushed');
  assert.equal(pushConcerns(request('v1', true), LISTENER_TYPE, undefined), true);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import { packAny, unpackAny } from '../../../xds/index.js';
import { RUN_LENGTH, encodeRouteConfiguration, joinRun } from './route-config-encoding.js';

const MESSAGE = 'envoy.config.route.v3.RouteConfiguration';

test('Should join the same fields to the same Buffer, and other fields anew', () => {
  const a = Buffer.from([1, 2]);
  const b = Buffer.from([3]);
  const joined = joinRun([a, b]);
  assert.deepEqual([...joined], [1, 2, 3]);
  assert.equal(joinRun([a, b]), joined);
  const c = Buffer.from([3]);
  const other = joinRun([a, c]);
  assert.notEqual(other, joined);
  assert.deepEqual(other, joined);
  assert.deepEqual([...joinRun([a, b, c])], [1, 2, 3, 3]);
});

test('Should encode many virtual hosts, across several runs, as the plain encoding does', () => {
  const routes = [{ name: 'default', match: { prefix: '/' }, route: { cluster: 'outbound|80||a' } }];
  const vhosts: VirtualHost[] = Array.from({ length: RUN_LENGTH * 2 + 3 }, (_, i) => ({ name: `h${i}:80`, domains: [`h${i}`], routes, include_request_attempt_count: true }));
  const rc = (): RouteConfiguration => ({ name: '80', virtual_hosts: vhosts.map((v) => ({ ...v })), validate_clusters: { value: false } });
  const expected = unpackAny(packAny(MESSAGE, rc()));
  const decode = (bytes: Buffer) => unpackAny({ type_url: `type.googleapis.com/${MESSAGE}`, value: bytes });
  assert.deepEqual(decode(encodeRouteConfiguration(rc())), expected);
  // Again, now from kept runs; and with one virtual host changed in the middle run.
  assert.deepEqual(decode(encodeRouteConfiguration(rc())), expected);
  const changed = rc();
  changed.virtual_hosts![RUN_LENGTH + 1] = { ...vhosts[RUN_LENGTH + 1], domains: ['changed'] };
  assert.deepEqual(decode(encodeRouteConfiguration(changed)), unpackAny(packAny(MESSAGE, changed)));
});

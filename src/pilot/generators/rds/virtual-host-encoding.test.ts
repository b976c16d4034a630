import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import { packAny, unpackAny } from '../../../xds/index.js';
import { MAX_VARIANTS_PER_NAME, virtualHostField } from './virtual-host-encoding.js';

const MESSAGE = 'envoy.config.route.v3.RouteConfiguration';
const TYPE_URL = `type.googleapis.com/${MESSAGE}`;

const routes = (): Route[] => [{ name: 'default', match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews', timeout: { seconds: 5 } } }];
const host = (list: Route[], domains: string[], name = 'reviews:9080'): VirtualHost => ({ name, domains, routes: list, include_request_attempt_count: true });

/** What the field decodes to, as the only virtual host of a route configuration. */
function decodedField(field: Buffer): unknown {
  return unpackAny<RouteConfiguration>({ type_url: TYPE_URL, value: field }).virtual_hosts;
}

test('Should encode a virtual host field that decodes to what the plain encoding gives', () => {
  const vhost = host(routes(), ['reviews', 'reviews.default']);
  const plain = unpackAny<RouteConfiguration>(packAny(MESSAGE, { virtual_hosts: [vhost] })).virtual_hosts;
  assert.deepEqual(decodedField(virtualHostField(vhost)), plain);
});

test('Should reuse the bytes of a virtual host rebuilt with the same name, domains and routes list', () => {
  const list = routes();
  const first = virtualHostField(host(list, ['reviews', 'reviews.default']));
  assert.equal(virtualHostField(host(list, ['reviews', 'reviews.default'])), first);
});

test('Should encode again when the domains, the name or the routes list differ', () => {
  const list = routes();
  const first = virtualHostField(host(list, ['reviews']));
  const otherDomains = virtualHostField(host(list, ['reviews', 'reviews.prod']));
  const otherName = virtualHostField(host(list, ['reviews'], 'reviews:9090'));
  const otherList = virtualHostField(host(routes(), ['reviews']));
  for (const field of [otherDomains, otherName, otherList]) assert.notEqual(field, first);
  assert.deepEqual((decodedField(otherDomains) as VirtualHost[])[0]?.domains, ['reviews', 'reviews.prod']);
  assert.equal((decodedField(otherName) as VirtualHost[])[0]?.name, 'reviews:9090');
});

test('Should not be fooled by a domains array changed after it was encoded', () => {
  const list = routes();
  const domains = ['reviews'];
  const first = virtualHostField(host(list, domains));
  domains.push('reviews.prod');
  const second = virtualHostField(host(list, domains));
  assert.notEqual(second, first);
  assert.deepEqual((decodedField(second) as VirtualHost[])[0]?.domains, ['reviews', 'reviews.prod']);
});

test('Should keep a bounded number of variants per name, dropping the oldest', () => {
  const list = routes();
  const oldest = virtualHostField(host(list, ['v0']));
  const fields = Array.from({ length: MAX_VARIANTS_PER_NAME }, (_, i) => virtualHostField(host(list, [`v${i + 1}`])));
  assert.equal(virtualHostField(host(list, [`v${MAX_VARIANTS_PER_NAME}`])), fields.at(-1), 'the newest is kept');
  const again = virtualHostField(host(list, ['v0']));
  assert.notEqual(again, oldest, 'the oldest was dropped and is encoded again');
  assert.deepEqual(again, oldest);
});

test('Should look a frozen virtual host up by identity, and encode a plain or unfrozen one with extra fields each time', () => {
  const frozen = Object.freeze(host(routes(), Object.freeze(['reviews']) as string[]));
  assert.equal(virtualHostField(frozen), virtualHostField(frozen));
  const extra: VirtualHost = { ...host(routes(), ['reviews']), require_tls: 'ALL' };
  const a = virtualHostField(extra);
  assert.notEqual(virtualHostField(extra), a);
  assert.deepEqual((decodedField(a) as VirtualHost[])[0]?.require_tls, 'ALL');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../model/service.js';
import { fakeProxy, http, kubeService } from './testing.js';
import { serviceDomains, serviceVirtualHostName } from './virtual-host-domains.js';

const frozen = (s: Service): Service => Object.freeze({ ...s, addresses: Object.freeze([...s.addresses]) });

test('Should list a service name, its short forms and addresses, with lowercased keys', () => {
  const s = kubeService('Reviews', [http(9080)], 'default', { addresses: ['240.0.0.1', '10.0.0.0/16', 'fd00::1'] });
  const { domains, keys, altHosts } = serviceDomains(s, fakeProxy());
  assert.deepEqual(domains, ['Reviews.default.svc.cluster.local', 'Reviews', 'Reviews.default.svc', 'Reviews.default', '240.0.0.1', '[fd00::1]']);
  assert.deepEqual(keys, ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '240.0.0.1', '[fd00::1]']);
  assert.deepEqual(altHosts, ['Reviews', 'Reviews.default.svc', 'Reviews.default']);
  const grpc = serviceDomains(kubeService('reviews', [http(9080)]), fakeProxy(), 9080);
  assert.ok(grpc.domains.includes('reviews:9080') && grpc.domains.includes('reviews.default.svc.cluster.local:9080'));
});

test('Should keep the domains of a frozen service per proxy DNS domain and port, and work out those of another anew', () => {
  const s = frozen(kubeService('reviews', [http(9080)]));
  const mine = serviceDomains(s, fakeProxy());
  assert.equal(serviceDomains(s, fakeProxy({ id: 'other' })), mine);
  const prod = serviceDomains(s, fakeProxy({ dnsDomain: 'prod.svc.cluster.local' }));
  assert.notEqual(prod, mine);
  assert.deepEqual(prod.altHosts, ['reviews.default', 'reviews.default.svc']);
  assert.notEqual(serviceDomains(s, fakeProxy(), 9080), mine);
  const unfrozen = kubeService('reviews', [http(9080)]);
  assert.notEqual(serviceDomains(unfrozen, fakeProxy()), serviceDomains(unfrozen, fakeProxy()));
});

test('Should name a service virtual host host:port, IPv6 hosts bracketed', () => {
  const s = frozen(kubeService('reviews', [http(9080)]));
  assert.equal(serviceVirtualHostName(s, 9080), 'reviews.default.svc.cluster.local:9080');
  assert.equal(serviceVirtualHostName(s, 9090), 'reviews.default.svc.cluster.local:9090');
  assert.equal(serviceVirtualHostName(frozen({ ...s, hostname: 'fd00::2' }), 80), '[fd00::2]:80');
});

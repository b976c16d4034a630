import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshot, entriesOf } from '../../../galley/index.js';
import { virtualService } from './testing.js';
import { claimServices, virtualServiceHosts } from './virtual-service-hosts.js';

test("Should resolve a VirtualService's hosts in its namespace, once for a frozen one", () => {
  const [entry] = createSnapshot(1, entriesOf([virtualService('reviews', { hosts: ['reviews', 'API.example.com', '*.example.com'], http: [] }, 'prod')])).of('VirtualService');
  const vs = entry!.resource;
  const hosts = virtualServiceHosts(vs);
  assert.deepEqual(hosts, ['reviews.prod.svc.cluster.local', 'api.example.com', '*.example.com']);
  assert.equal(virtualServiceHosts(vs), hosts);
  assert.ok(Object.isFrozen(hosts));
  const unfrozen = virtualService('reviews', { hosts: ['reviews'], http: [] });
  assert.notEqual(virtualServiceHosts(unfrozen), virtualServiceHosts(unfrozen));
});

test('Should let the exact host claim a service before the most specific wildcard', () => {
  const vses = [virtualService('wild', { hosts: ['*.example.com'], http: [] }), virtualService('exact', { hosts: ['api.example.com'], http: [] })];
  assert.deepEqual([...claimServices(vses, ['api.example.com', 'web.example.com', 'other.org'])], [['api.example.com', 1], ['web.example.com', 0]]);
});

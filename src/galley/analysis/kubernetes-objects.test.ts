import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knownFromKubernetesObjects } from './kubernetes-objects.js';

test('Should read services and workloads from core Kubernetes objects', () => {
  const known = knownFromKubernetesObjects([
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ratings', namespace: 'shop' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews-v2' }, spec: { template: { metadata: { labels: { app: 'reviews', version: 'v2' } } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', labels: { app: 'ratings' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bookinfo-reviews' } },
    { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'not-core' } },
  ]);
  assert.deepEqual(known.knownServices, ['reviews.default.svc.cluster.local', 'ratings.shop.svc.cluster.local']);
  assert.deepEqual(known.knownWorkloads, [
    { namespace: 'default', labels: { app: 'reviews', version: 'v2' } },
    { namespace: 'shop', labels: { app: 'ratings' } },
  ]);
});

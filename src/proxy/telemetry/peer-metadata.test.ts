import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { HeaderMap } from '../http/headers.js';
import {
  addPeerMetadata,
  decodePeerMetadata,
  encodePeerMetadata,
  PEER_METADATA_HEADER,
  PEER_METADATA_ID_HEADER,
  takePeerMetadata,
} from './peer-metadata.js';
import { peerWorkloadFromIdentity, type WorkloadIdentity } from './workload-identity.js';

const REVIEWS: WorkloadIdentity = {
  name: 'reviews-v2',
  namespace: 'bookinfo',
  labels: { app: 'reviews', version: 'v2' },
  serviceAccount: 'bookinfo-reviews',
  trustDomain: 'cluster.local',
  cluster: 'Kubernetes',
  ip: '10.0.0.7',
};

const structType = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/struct.proto')!).lookupType('google.protobuf.Struct');

describe('peer metadata', () => {
  it('Should name a gateway by its router node type in the metadata id', () => {
    assert.equal(encodePeerMetadata({ ...REVIEWS, proxyType: 'router' }).id, 'router~10.0.0.7~reviews-v2.bookinfo~bookinfo.svc.cluster.local');
  });

  it('Should decode what it encodes, with no principal because plaintext proves none', () => {
    const { id, value } = encodePeerMetadata(REVIEWS);
    assert.equal(id, 'sidecar~10.0.0.7~reviews-v2.bookinfo~bookinfo.svc.cluster.local');
    assert.deepEqual(decodePeerMetadata(value), {
      workload: 'reviews-v2',
      namespace: 'bookinfo',
      principal: '',
      app: 'reviews',
      version: 'v2',
      canonicalService: 'reviews',
      canonicalRevision: 'v2',
      cluster: 'Kubernetes',
    });
  });

  it("Should encode a google.protobuf.Struct with Istio's node metadata keys", () => {
    const decoded = structType.toObject(structType.decode(Buffer.from(encodePeerMetadata(REVIEWS).value, 'base64'))) as {
      fields: Record<string, { stringValue?: string; structValue?: { fields: Record<string, { stringValue?: string }> } }>;
    };
    assert.equal(decoded.fields['WORKLOAD_NAME']?.stringValue, 'reviews-v2');
    assert.equal(decoded.fields['NAMESPACE']?.stringValue, 'bookinfo');
    assert.equal(decoded.fields['CLUSTER_ID']?.stringValue, 'Kubernetes');
    assert.equal(decoded.fields['SERVICE_ACCOUNT']?.stringValue, 'bookinfo-reviews');
    const labels = decoded.fields['LABELS']?.structValue?.fields ?? {};
    assert.equal(labels['app']?.stringValue, 'reviews');
    assert.equal(labels['service.istio.io/canonical-name']?.stringValue, 'reviews');
    assert.equal(labels['service.istio.io/canonical-revision']?.stringValue, 'v2');
  });

  it('Should encode once per identity', () => {
    assert.equal(encodePeerMetadata(REVIEWS), encodePeerMetadata(REVIEWS));
  });

  it('Should decode each of several peers to its own workload when their values alternate', () => {
    const reviews = encodePeerMetadata(REVIEWS).value;
    const ratings = encodePeerMetadata({ ...REVIEWS, name: 'ratings-v1', labels: { app: 'ratings', version: 'v1' } }).value;
    // Fresh string copies, as each request's header is.
    const copy = (v: string): string => Buffer.from(v, 'latin1').toString('latin1');
    for (const [value, workload] of [[reviews, 'reviews-v2'], [ratings, 'ratings-v1'], [copy(ratings), 'ratings-v1'], [copy(reviews), 'reviews-v2']] as const) {
      assert.equal(decodePeerMetadata(value)?.workload, workload);
    }
    assert.equal(decodePeerMetadata('not base64 at all!'), undefined);
    assert.equal(decodePeerMetadata(copy(reviews)), decodePeerMetadata(reviews), 'the same frozen peer object each time');
  });

  it('Should ignore a garbage header', () => {
    assert.equal(decodePeerMetadata(''), undefined);
    assert.equal(decodePeerMetadata('not base64 at all!'), undefined);
    assert.equal(decodePeerMetadata(Buffer.from('garbage bytes here').toString('base64')), undefined);
    const emptyStruct = Buffer.from(structType.encode(structType.fromObject({ fields: {} })).finish()).toString('base64');
    assert.equal(decodePeerMetadata(emptyStruct), undefined, 'a Struct naming no workload is no peer');
  });

  it('Should fall back for the canonical service and revision as Istio does', () => {
    const bare: WorkloadIdentity = { ...REVIEWS, labels: {} };
    const peer = decodePeerMetadata(encodePeerMetadata(bare).value);
    assert.equal(peer?.canonicalService, 'reviews-v2');
    assert.equal(peer?.canonicalRevision, 'latest');
    const k8s = peerWorkloadFromIdentity({ ...REVIEWS, labels: { 'app.kubernetes.io/name': 'rv', 'app.kubernetes.io/version': '3' } }, false);
    assert.equal(k8s.canonicalService, 'rv');
    assert.equal(k8s.canonicalRevision, '3');
    const explicit = peerWorkloadFromIdentity({ ...REVIEWS, labels: { app: 'a', 'service.istio.io/canonical-name': 'c', 'service.istio.io/canonical-revision': 'r' } }, false);
    assert.equal(explicit.canonicalService, 'c');
    assert.equal(explicit.canonicalRevision, 'r');
  });

  it('Should name the SPIFFE principal only when mTLS proves it', () => {
    assert.equal(peerWorkloadFromIdentity(REVIEWS, true).principal, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews');
    assert.equal(peerWorkloadFromIdentity(REVIEWS, false).principal, '');
  });

  it('Should take the peer from the headers and remove them, even when unreadable', () => {
    const headers = HeaderMap.fromRecord({ host: 'reviews:9080' });
    addPeerMetadata(headers, REVIEWS);
    assert.equal(takePeerMetadata(headers)?.workload, 'reviews-v2');
    assert.equal(headers.has(PEER_METADATA_HEADER) || headers.has(PEER_METADATA_ID_HEADER), false);
    assert.equal(headers.get('host'), 'reviews:9080');
    const bad = HeaderMap.fromRecord({ [PEER_METADATA_HEADER]: '%%%', [PEER_METADATA_ID_HEADER]: 'x' });
    assert.equal(takePeerMetadata(bad), undefined);
    assert.equal(bad.size, 0);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyResource } from '../../../api/index.js';
import { createSnapshot, entriesOf } from '../../../galley/index.js';
import { createPeerAuthenticationIndex, type WorkloadRef } from './peer-authentication-index.js';
import { mtlsModeForPort, type MtlsMode } from './peer-authentication-policy.js';
import { modePolicy, peerAuthentication } from './testing.js';

const REVIEWS: WorkloadRef = { namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' } };

function modeOf(resources: readonly AnyResource[], port = 0, workload = REVIEWS): MtlsMode {
  const index = createPeerAuthenticationIndex(createSnapshot(1, entriesOf(resources)), 'istio-system');
  return mtlsModeForPort(index.forWorkload(workload), port);
}

const selecting = (name: string, mode: string, portLevelMtls?: Record<string, { mode: string }>, labels: Record<string, string> = { app: 'reviews' }) =>
  peerAuthentication('bookinfo', name, {
    selector: { matchLabels: labels },
    mtls: { mode: mode as 'STRICT' },
    ...(portLevelMtls ? { portLevelMtls: portLevelMtls as Record<string, { mode: 'STRICT' }> } : {}),
  });

describe('PeerAuthentication precedence', () => {
  it('Should be PERMISSIVE when no policy exists', () => {
    assert.equal(modeOf([]), 'PERMISSIVE');
  });

  it('Should apply a mesh-wide policy from the root namespace', () => {
    assert.equal(modeOf([modePolicy('istio-system', 'default', 'STRICT')]), 'STRICT');
  });

  it("Should prefer the namespace's policy over the mesh's", () => {
    assert.equal(modeOf([modePolicy('istio-system', 'default', 'STRICT'), modePolicy('bookinfo', 'default', 'DISABLE')]), 'DISABLE');
  });

  it("Should ignore another namespace's policy", () => {
    assert.equal(modeOf([modePolicy('other', 'default', 'DISABLE')]), 'PERMISSIVE');
  });

  it('Should prefer a workload policy whose selector matches over the namespace and mesh policies', () => {
    const resources = [modePolicy('istio-system', 'default', 'DISABLE'), modePolicy('bookinfo', 'default', 'DISABLE'), selecting('reviews', 'STRICT')];
    assert.equal(modeOf(resources), 'STRICT');
    assert.equal(modeOf(resources, 0, { namespace: 'bookinfo', labels: { app: 'ratings' } }), 'DISABLE');
  });

  it('Should let UNSET inherit from the level above, and act as PERMISSIVE at the root', () => {
    assert.equal(modeOf([modePolicy('istio-system', 'default', 'UNSET')]), 'PERMISSIVE');
    assert.equal(modeOf([modePolicy('istio-system', 'default', 'STRICT'), modePolicy('bookinfo', 'default', 'UNSET')]), 'STRICT');
    assert.equal(modeOf([modePolicy('bookinfo', 'default', 'DISABLE'), selecting('reviews', 'UNSET')]), 'DISABLE');
    assert.equal(modeOf([peerAuthentication('bookinfo', 'bare', {}), modePolicy('istio-system', 'default', 'STRICT')]), 'STRICT');
  });

  it('Should take the first policy by name when several apply at one level', () => {
    assert.equal(modeOf([modePolicy('bookinfo', 'b-strict', 'STRICT'), modePolicy('bookinfo', 'a-disable', 'DISABLE')]), 'DISABLE');
    assert.equal(modeOf([selecting('z-strict', 'STRICT'), selecting('m-disable', 'DISABLE')]), 'DISABLE');
  });

  it("Should apply a selector policy in the root namespace to the root namespace's workloads it selects, and not mesh-wide", () => {
    const rootSelecting = peerAuthentication('istio-system', 'reviews', {
      selector: { matchLabels: { app: 'reviews' } },
      mtls: { mode: 'DISABLE' },
      portLevelMtls: { '9080': { mode: 'PERMISSIVE' } },
    });
    const resources = [rootSelecting, modePolicy('istio-system', 'default', 'STRICT')];
    const inRoot = (labels: Record<string, string>) => ({ namespace: 'istio-system', labels });
    assert.equal(modeOf(resources, 0, inRoot({ app: 'reviews' })), 'DISABLE');
    assert.equal(modeOf(resources, 9080, inRoot({ app: 'reviews' })), 'PERMISSIVE');
    assert.equal(modeOf(resources, 0, inRoot({ app: 'ratings' })), 'STRICT');
    assert.equal(modeOf(resources), 'STRICT');
  });

  it('Should treat a policy with empty matchLabels as namespace-wide', () => {
    assert.equal(modeOf([selecting('wide', 'DISABLE', undefined, {})], 0, { namespace: 'bookinfo', labels: { app: 'ratings' } }), 'DISABLE');
  });
});

describe('PeerAuthentication port-level mTLS', () => {
  const resources = [modePolicy('bookinfo', 'default', 'STRICT'), selecting('reviews', 'UNSET', { '9080': { mode: 'DISABLE' }, '9090': { mode: 'UNSET' } })];

  it("Should apply a port's own mode on that workload port only", () => {
    assert.equal(modeOf(resources, 9080), 'DISABLE');
    assert.equal(modeOf(resources, 8080), 'STRICT');
    assert.equal(modeOf(resources, 0), 'STRICT');
  });

  it("Should let an UNSET port inherit the workload's resolved mode", () => {
    assert.equal(modeOf(resources, 9090), 'STRICT');
  });

  it("Should not apply a workload policy's ports to workloads it does not select", () => {
    assert.equal(modeOf(resources, 9080, { namespace: 'bookinfo', labels: { app: 'ratings' } }), 'STRICT');
  });
});

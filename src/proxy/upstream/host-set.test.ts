import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostSet } from './host-set.js';
import { makeAssignment } from './lb-conformance.js';

describe('createHostSet', () => {
  it('Should keep the runtime state of hosts that stay across an EDS update', () => {
    const first = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }]));
    const kept = first.get('10.0.0.1:9080')!;
    kept.ejected = true;
    kept.timesEjected = 2;
    kept.activeRequests = 4;
    kept.stats.rq_total = 9;
    const second = createHostSet(makeAssignment([{ address: '10.0.0.1', weight: 7 }, { address: '10.0.0.3' }]), first);
    const same = second.get('10.0.0.1:9080')!;
    assert.equal(same, kept);
    assert.equal(same.weight, 7);
    assert.equal(same.ejected, true);
    assert.equal(same.timesEjected, 2);
    assert.equal(same.activeRequests, 4);
    assert.equal(same.stats.rq_total, 9);
    assert.equal(second.get('10.0.0.2:9080'), undefined);
    assert.equal(second.get('10.0.0.3:9080')!.ejected, false);
  });

  it('Should treat HEALTHY, UNKNOWN and DEGRADED endpoints as healthy and others not', () => {
    const set = createHostSet(
      makeAssignment(
        (['HEALTHY', 'UNKNOWN', 'DEGRADED', 'UNHEALTHY', 'DRAINING', 'TIMEOUT'] as const).map((health, i) => ({ address: `10.0.0.${i}`, health })),
      ),
    );
    assert.deepEqual(
      set.priorities[0]!.healthy.map((h) => h.address),
      ['10.0.0.0', '10.0.0.1', '10.0.0.2'],
    );
  });

  it('Should order priorities and send everything to the lowest one while it is healthy', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.1.1', priority: 1 }, { address: '10.0.0.1', priority: 0 }]));
    assert.deepEqual(set.priorities.map((p) => p.priority), [0, 1]);
    for (const v of [0, 0.5, 0.999]) assert.equal(set.choosePriority(v)!.priority, 0);
  });

  it('Should spill load to the next priority as the first degrades past the overprovisioning factor', () => {
    const set = createHostSet(
      makeAssignment([
        ...Array.from({ length: 10 }, (_, i) => ({ address: `10.0.0.${i}`, priority: 0 })),
        { address: '10.0.1.1', priority: 1 },
      ]),
    );
    // 5 of 10 healthy: health 5/10 × 1.4 = 70%, so priority 0 takes 70 and priority 1 takes 30.
    for (let i = 0; i < 5; i++) set.hosts[i]!.ejected = true;
    set.refresh();
    assert.equal(set.choosePriority(0.69)!.priority, 0);
    assert.equal(set.choosePriority(0.71)!.priority, 1);
    // 8 of 10 healthy is still 100% after the factor.
    for (let i = 0; i < 3; i++) set.hosts[i]!.ejected = false;
    set.refresh();
    assert.equal(set.choosePriority(0.99)!.priority, 0);
  });

  it('Should have no priority to choose when no host is healthy', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', health: 'UNHEALTHY' }, { address: '10.0.1.1', priority: 1, health: 'DRAINING' }]));
    assert.equal(set.hasHealthyHosts(), false);
    assert.equal(set.choosePriority(0.3), undefined);
  });

  it('Should weight localities by their health', () => {
    const set = createHostSet(
      makeAssignment([
        { address: '10.0.0.1', zone: 'a', localityWeight: 2 },
        { address: '10.0.0.2', zone: 'a', localityWeight: 2 },
        { address: '10.0.1.1', zone: 'b', localityWeight: 2 },
      ]),
    );
    const p = set.priorities[0]!;
    assert.equal(p.localityWeighted, true);
    assert.equal(p.chooseLocality(0.49).locality.zone, 'a');
    assert.equal(p.chooseLocality(0.51).locality.zone, 'b');
    set.hosts[0]!.ejected = true;
    set.refresh();
    // Zone a at 1/2 health: effective weight 2 × min(1, 1.4 × 0.5) = 1.4 against 2.
    assert.equal(p.chooseLocality(0.4).locality.zone, 'a');
    assert.equal(p.chooseLocality(0.45).locality.zone, 'b');
  });

  it('Should not weight localities when they carry no weights', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1', zone: 'a' }, { address: '10.0.1.1', zone: 'b' }]));
    assert.equal(set.priorities[0]!.localityWeighted, false);
  });

  it('Should bump the version on every refresh', () => {
    const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }]));
    const v = set.version;
    set.refresh();
    assert.equal(set.version, v + 1);
  });
});

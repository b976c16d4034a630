// The shared test suite every load balancer policy must pass, and the fixtures its tests use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LbPolicy } from '../config/cluster.js';
import type { HealthStatus, LoadAssignment, Locality } from '../config/endpoint.js';
import { hashString } from './hash.js';
import type { Host } from './host.js';
import { createHostSet, type HostSet } from './host-set.js';
import { createLoadBalancer, type LbConfig, type LbContext, type LoadBalancer } from './load-balancer.js';

/** A deterministic [0, 1) generator (mulberry32), so statistical tests give the same result every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EndpointSpec {
  readonly address: string;
  readonly port?: number;
  readonly weight?: number;
  readonly health?: HealthStatus;
  readonly priority?: number;
  readonly zone?: string;
  readonly localityWeight?: number;
}

/** An assignment from a flat list: endpoints are grouped by (priority, zone) in order of appearance. */
export function makeAssignment(specs: readonly EndpointSpec[], clusterName = 'outbound|9080||svc.test'): LoadAssignment {
  const groups = new Map<string, { locality: Locality; weight: number; priority: number; endpoints: LoadAssignment['localities'][number]['endpoints'][number][] }>();
  for (const s of specs) {
    const priority = s.priority ?? 0;
    const zone = s.zone ?? 'z1';
    const key = `${priority}/${zone}`;
    let g = groups.get(key);
    if (!g) {
      g = { locality: { region: 'r1', zone, subZone: '' }, weight: s.localityWeight ?? 0, priority, endpoints: [] };
      groups.set(key, g);
    }
    g.endpoints.push({ address: s.address, port: s.port ?? 9080, weight: s.weight ?? 1, healthStatus: s.health ?? 'HEALTHY' });
  }
  return { clusterName, localities: [...groups.values()] };
}

export const TEST_LB_CONFIG: LbConfig = {
  leastRequestChoiceCount: 2,
  ringHash: { minimumRingSize: 1024, maximumRingSize: 8 * 1024 * 1024 },
  maglev: { tableSize: 65537 },
};

/** The load balancer of `policy` over `hostSet`, failing the test if the policy has none. */
export function makeLoadBalancer(policy: LbPolicy, hostSet: HostSet, seed = 1): LoadBalancer {
  const lb = createLoadBalancer(policy, hostSet, TEST_LB_CONFIG, seededRandom(seed));
  assert.ok(lb, `no load balancer for ${policy}`);
  return lb;
}

/** Picks `n` times (with a fresh random hash per pick for hash policies) and counts picks per host key. */
export function countPicks(lb: LoadBalancer, n: number, context: LbContext = {}, hashSeed = 7): Map<string, number> {
  const random = seededRandom(hashSeed);
  const counts = new Map<string, number>();
  const ctx: LbContext = { ...context };
  for (let i = 0; i < n; i++) {
    ctx.hash = Math.floor(random() * 2 ** 53);
    const host = lb.pick(ctx);
    const key = host ? host.key : 'none';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function hostsByAddress(hostSet: HostSet): Map<string, Host> {
  return new Map(hostSet.hosts.map((h) => [h.address, h]));
}

/** Registers the conformance tests for one policy. */
export function describeLoadBalancerConformance(policy: LbPolicy): void {
  describe(`${policy} load balancer conformance`, () => {
    it('Should pick only hosts that EDS and active health checks call healthy', () => {
      const set = createHostSet(
        makeAssignment([
          { address: '10.0.0.1' },
          { address: '10.0.0.2', health: 'UNHEALTHY' },
          { address: '10.0.0.3', health: 'DRAINING' },
          { address: '10.0.0.4', health: 'UNKNOWN' },
          { address: '10.0.0.5', health: 'DEGRADED' },
          { address: '10.0.0.6' },
        ]),
      );
      hostsByAddress(set).get('10.0.0.6')!.failedActiveHealthCheck = true;
      set.refresh();
      const counts = countPicks(makeLoadBalancer(policy, set), 2000);
      assert.deepEqual([...counts.keys()].sort(), ['10.0.0.1:9080', '10.0.0.4:9080', '10.0.0.5:9080']);
    });

    it('Should skip ejected hosts and take them back once un-ejected', () => {
      const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3' }]));
      const lb = makeLoadBalancer(policy, set);
      const ejected = hostsByAddress(set).get('10.0.0.2')!;
      ejected.ejected = true;
      set.refresh();
      assert.equal(countPicks(lb, 1000).get('10.0.0.2:9080'), undefined);
      ejected.ejected = false;
      set.refresh();
      assert.ok((countPicks(lb, 1000).get('10.0.0.2:9080') ?? 0) > 200);
    });

    it('Should respect weights over 10,000 picks', () => {
      const weights = [1, 2, 3, 4];
      const set = createHostSet(makeAssignment(weights.map((w, i) => ({ address: `10.0.1.${i + 1}`, weight: w }))));
      const counts = countPicks(makeLoadBalancer(policy, set), 10_000);
      // Hash policies split a finite ring or table, so they get a wider tolerance than list policies.
      const tolerance = policy === 'RING_HASH' || policy === 'MAGLEV' ? 0.05 : 0.02;
      weights.forEach((w, i) => {
        const share = (counts.get(`10.0.1.${i + 1}:9080`) ?? 0) / 10_000;
        assert.ok(Math.abs(share - w / 10) <= tolerance, `host ${i + 1}: share ${share}, want ${w / 10}`);
      });
    });

    it('Should honour the avoid-set while another healthy host exists', () => {
      const set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3' }]));
      const hosts = hostsByAddress(set);
      const avoid = new Set([hosts.get('10.0.0.1')!, hosts.get('10.0.0.3')!]);
      const counts = countPicks(makeLoadBalancer(policy, set), 500, { avoid });
      assert.deepEqual([...counts.entries()], [['10.0.0.2:9080', 500]]);
    });

    it('Should ignore the avoid-set when it covers every healthy host', () => {
      const set = createHostSet(
        makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3', health: 'UNHEALTHY' }]),
      );
      const hosts = hostsByAddress(set);
      const avoid = new Set([hosts.get('10.0.0.1')!, hosts.get('10.0.0.2')!]);
      const counts = countPicks(makeLoadBalancer(policy, set), 500, { avoid });
      assert.equal(counts.get('none'), undefined);
      assert.equal(counts.get('10.0.0.3:9080'), undefined);
    });

    it('Should return undefined for an empty cluster and for a cluster with no healthy host', () => {
      const empty = createHostSet(makeAssignment([]));
      assert.equal(makeLoadBalancer(policy, empty).pick({}), undefined);
      const down = createHostSet(makeAssignment([{ address: '10.0.0.1', health: 'UNHEALTHY' }, { address: '10.0.0.2' }]));
      hostsByAddress(down).get('10.0.0.2')!.ejected = true;
      down.refresh();
      assert.equal(makeLoadBalancer(policy, down).pick({ hash: 42 }), undefined);
    });

    it('Should fail over to the next priority when the first has no healthy host', () => {
      const set = createHostSet(
        makeAssignment([
          { address: '10.0.0.1', priority: 0, health: 'UNHEALTHY' },
          { address: '10.0.1.1', priority: 1 },
          { address: '10.0.2.1', priority: 2 },
        ]),
      );
      assert.deepEqual([...countPicks(makeLoadBalancer(policy, set), 300).keys()], ['10.0.1.1:9080']);
    });
  });
}

/** Consistency checks shared by the two hash policies. */
export function describeConsistentHashing(policy: LbPolicy): void {
  const five = Array.from({ length: 5 }, (_, i) => ({ address: `10.0.0.${i + 1}` }));

  it('Should give the same host for the same hash, across load balancer instances', () => {
    const a = makeLoadBalancer(policy, createHostSet(makeAssignment(five)), 1);
    const b = makeLoadBalancer(policy, createHostSet(makeAssignment(five)), 2);
    for (let i = 0; i < 200; i++) {
      const hash = hashString(`user-${i}`);
      const host = a.pick({ hash })!;
      assert.equal(a.pick({ hash }), host);
      assert.equal(b.pick({ hash })!.key, host.key);
    }
  });

  it('Should move fewer than 2/N of the keys when a host is added', () => {
    const before = makeLoadBalancer(policy, createHostSet(makeAssignment(five)));
    const after = makeLoadBalancer(policy, createHostSet(makeAssignment([...five, { address: '10.0.0.6' }])));
    const keys = 5000;
    let moved = 0;
    let toNew = 0;
    for (let i = 0; i < keys; i++) {
      const hash = hashString(`session-${i}`);
      const from = before.pick({ hash })!.key;
      const to = after.pick({ hash })!.key;
      if (from !== to) moved++;
      if (to === '10.0.0.6:9080') toNew++;
    }
    assert.ok(moved / keys < 2 / 6, `moved ${moved / keys}`);
    assert.ok(toNew > 0, 'the new host took no keys');
  });

  it('Should keep almost every other key in place when a host becomes unhealthy', () => {
    const set = createHostSet(makeAssignment(five));
    const lb = makeLoadBalancer(policy, set);
    const hashes = Array.from({ length: 2000 }, (_, i) => hashString(`k${i}`));
    const before = hashes.map((hash) => lb.pick({ hash })!);
    set.hosts[2]!.ejected = true;
    set.refresh();
    let others = 0;
    let moved = 0;
    hashes.forEach((hash, i) => {
      const now = lb.pick({ hash })!;
      assert.notEqual(now, set.hosts[2]);
      if (before[i] === set.hosts[2]) return;
      others++;
      if (now !== before[i]) moved++;
    });
    // The ring or table is rebuilt for four hosts, so some other keys move too (the survivors get
    // more ring entries, as in Envoy), but fewer than 1/N of them.
    assert.ok(moved / others < 1 / 5, `moved ${moved / others} of the other keys`);
  });
}

import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import type { OutlierDetectionConfig } from '../config/cluster.js';
import { createHostSet, type HostSet } from './host-set.js';
import { makeAssignment } from './lb-conformance.js';
import { createOutlierDetector, outlierEjectionChannel, type OutlierEvent } from './outlier-detector.js';

/** A manual clock with interval timers that fire as time is advanced. */
class FakeTime {
  now = 1_000_000;
  readonly intervals = new Map<number, { fn: () => void; ms: number; next: number }>();
  private ids = 0;
  readonly clock = { now: () => this.now };
  readonly timers = {
    setInterval: (fn: () => void, ms: number): unknown => {
      const id = ++this.ids;
      this.intervals.set(id, { fn, ms, next: this.now + ms });
      return id;
    },
    clearInterval: (id: unknown): void => {
      this.intervals.delete(id as number);
    },
  };

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let due: { fn: () => void; ms: number; next: number } | undefined;
      for (const t of this.intervals.values()) if (t.next <= end && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.now = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.now = end;
  }
}

const BASE: OutlierDetectionConfig = {
  consecutive5xx: 3,
  consecutiveGatewayFailure: 0,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionPercent: 100,
  splitExternalLocalOriginErrors: false,
  consecutiveLocalOriginFailure: 5,
};

function setup(config: Partial<OutlierDetectionConfig> = {}, hosts = 3, random = () => 0) {
  const time = new FakeTime();
  const set: HostSet = createHostSet(makeAssignment(Array.from({ length: hosts }, (_, i) => ({ address: `10.0.0.${i + 1}` }))));
  const detector = createOutlierDetector({ ...BASE, ...config }, () => set, time.clock, time.timers, { cluster: 'c', random });
  return { time, set, detector, host: set.hosts[0]! };
}

describe('OutlierDetector', () => {
  it('Should eject a host after consecutive 5xx and drop it from the healthy set', () => {
    const { set, detector, host } = setup();
    detector.reportResult(host, { status: 500 });
    detector.reportResult(host, { status: 503 });
    assert.equal(host.ejected, false);
    detector.reportResult(host, { status: 500 });
    assert.equal(host.ejected, true);
    assert.equal(host.timesEjected, 1);
    assert.equal(set.priorities[0]!.healthy.includes(host), false);
    assert.equal(detector.stats.ejections_enforced_consecutive_5xx, 1);
    assert.equal(detector.stats.ejections_active, 1);
    detector.close();
  });

  it('Should reset the consecutive counters on a success', () => {
    const { detector, host } = setup();
    detector.reportResult(host, { status: 500 });
    detector.reportResult(host, { status: 500 });
    detector.reportResult(host, { status: 404 });
    detector.reportResult(host, { status: 500 });
    detector.reportResult(host, { status: 500 });
    assert.equal(host.ejected, false);
    detector.close();
  });

  it('Should un-eject on the interval tick after base ejection time × times ejected', () => {
    const { time, set, detector, host } = setup();
    const eject = () => {
      for (let i = 0; i < 3; i++) detector.reportResult(host, { status: 500 });
      assert.equal(host.ejected, true);
    };
    eject();
    time.advance(29_999);
    assert.equal(host.ejected, true);
    time.advance(1); // the tick at 30 s
    assert.equal(host.ejected, false);
    assert.equal(set.priorities[0]!.healthy.includes(host), true);
    eject();
    time.advance(59_999);
    assert.equal(host.ejected, true, 'second ejection lasts 60 s');
    time.advance(1);
    assert.equal(host.ejected, false);
    assert.equal(host.timesEjected, 2);
    assert.equal(detector.stats.ejections_active, 0);
    detector.close();
  });

  it('Should cap the ejection time at max ejection time and let the backoff decay while healthy', () => {
    const { time, detector, host } = setup({ baseEjectionTimeMs: 100_000 });
    const durations: number[] = [];
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 3; i++) detector.reportResult(host, { status: 500 });
      const start = time.now;
      for (let ticks = 0; host.ejected && ticks < 100; ticks++) time.advance(10_000);
      durations.push(time.now - start);
    }
    // base × backoff: 100, 200, 300, then capped at Envoy's default max ejection time of 300 s.
    assert.deepEqual(durations, [100_000, 200_000, 300_000, 300_000, 300_000]);
    assert.equal(host.ejectionBackoff, 4);
    time.advance(10_000 * 4);
    assert.equal(host.ejectionBackoff, 0);
    detector.close();
  });

  it('Should respect max ejection percent, ejecting nothing when one host would exceed it', () => {
    const ten = setup({ maxEjectionPercent: 10 }, 10);
    for (const host of ten.set.hosts.slice(0, 2)) for (let i = 0; i < 3; i++) ten.detector.reportResult(host, { status: 500 });
    assert.deepEqual(ten.set.hosts.map((h) => h.ejected).filter(Boolean).length, 1);
    assert.equal(ten.detector.stats.ejections_overflow, 1);
    ten.detector.close();

    const three = setup({ maxEjectionPercent: 10 }, 3);
    for (let i = 0; i < 3; i++) three.detector.reportResult(three.host, { status: 500 });
    assert.equal(three.host.ejected, false, 'Envoy ejects no host when one would be 33% > 10%');
    three.detector.close();
  });

  it('Should eject on consecutive gateway failures, counting local failures and reset by other 5xx', () => {
    const { detector, host } = setup({ consecutive5xx: 100, consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100 });
    detector.reportResult(host, { status: 502 });
    detector.reportResult(host, { status: 503 });
    detector.reportResult(host, { status: 500 });
    detector.reportResult(host, { status: 504 });
    assert.equal(host.ejected, false);
    detector.reportResult(host, { localFailure: 'connect_failure' });
    detector.reportResult(host, { localFailure: 'timeout' });
    assert.equal(host.ejected, true);
    assert.equal(detector.stats.ejections_enforced_consecutive_gateway_failure, 1);
    detector.close();
  });

  it('Should detect but not eject when the enforcing percentage says no', () => {
    const { detector, host } = setup({ enforcingConsecutive5xx: 30 }, 3, () => 0.5);
    for (let i = 0; i < 3; i++) detector.reportResult(host, { status: 500 });
    assert.equal(host.ejected, false);
    assert.equal(detector.stats.ejections_detected_consecutive_5xx, 1);
    assert.equal(detector.stats.ejections_enforced_total, 0);
    detector.close();
  });

  it('Should count local-origin failures apart when errors are split', () => {
    const { detector, host } = setup({ splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailure: 2 });
    detector.reportResult(host, { localFailure: 'reset' });
    detector.reportResult(host, { status: 200 });
    detector.reportResult(host, { localFailure: 'connect_failure' });
    assert.equal(host.ejected, false);
    assert.equal(host.consecutive5xx, 0);
    detector.reportResult(host, { localFailure: 'connect_failure' });
    assert.equal(host.ejected, true);
    assert.equal(detector.stats.ejections_enforced_consecutive_local_origin_failure, 1);
    detector.close();
  });

  it('Should publish ejection and un-ejection events', () => {
    const events: OutlierEvent[] = [];
    const listener = (e: unknown) => events.push(e as OutlierEvent);
    diagnosticsChannel.subscribe(outlierEjectionChannel.name, listener);
    try {
      const { time, detector, host } = setup();
      for (let i = 0; i < 3; i++) detector.reportResult(host, { status: 500 });
      time.advance(30_000);
      detector.close();
      assert.deepEqual(
        events.map((e) => [e.cluster, e.host, e.action, e.type, e.enforced]),
        [
          ['c', '10.0.0.1:9080', 'eject', 'consecutive_5xx', true],
          ['c', '10.0.0.1:9080', 'uneject', undefined, true],
        ],
      );
    } finally {
      diagnosticsChannel.unsubscribe(outlierEjectionChannel.name, listener);
    }
  });

  it('Should stop its interval timer on close', () => {
    const { time, detector } = setup();
    assert.equal(time.intervals.size, 1);
    detector.close();
    assert.equal(time.intervals.size, 0);
  });
});

describe('OutlierDetector after an EDS update', () => {
  it('Should not judge a host that has left the cluster', () => {
    const time = new FakeTime();
    let set = createHostSet(makeAssignment([{ address: '10.0.0.1' }, { address: '10.0.0.2' }]));
    const detector = createOutlierDetector({ ...BASE, consecutive5xx: 1 }, () => set, time.clock, time.timers);
    const gone = set.hosts[0]!;
    set = createHostSet(makeAssignment([{ address: '10.0.0.2' }]), set);
    detector.reportResult(gone, { status: 500 });
    assert.equal(gone.ejected, false);
    assert.equal(detector.stats.ejections_detected_consecutive_5xx, 0);
    detector.close();
  });
});

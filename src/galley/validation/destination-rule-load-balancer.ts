// DestinationRule load balancing: consistent hashing, locality weights and failover, warmup.
import type { FieldPath } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDuration, checkPercentage } from './common/index.js';
import { checkMillisecondDuration } from './common/duration-precision.js';

/** A load balancer policy, as far as validation reads it. */
export interface LoadBalancerView {
  readonly consistentHash?: ConsistentHashView;
  readonly localityLbSetting?: LocalitySettingView;
  readonly warmupDurationSecs?: string;
  readonly warmup?: { readonly duration?: string; readonly minimumPercent?: number };
}

interface ConsistentHashView {
  readonly httpHeaderName?: string;
  readonly httpCookie?: { readonly name?: string; readonly ttl?: string };
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
  readonly minimumRingSize?: number;
  readonly ringHash?: object;
  readonly maglev?: { readonly tableSize?: number };
}

interface LocalitySettingView {
  readonly distribute?: ReadonlyArray<{ readonly from?: string; readonly to?: Readonly<Record<string, number>> }>;
  readonly failover?: ReadonlyArray<{ readonly from?: string; readonly to?: string }>;
  readonly failoverPriority?: readonly string[];
}

const HASH_KEYS = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;
/** Envoy's largest Maglev table. */
const MAGLEV_TABLE_LIMIT = 5_000_011;
const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

function reportDuration(value: unknown, path: FieldPath, report: Reporter): void {
  if (typeof value !== 'string') return;
  const bad = checkMillisecondDuration(value);
  if (bad) report.error(path, bad);
}

/** Reports every problem of a load balancer policy at `path`. */
export function validateLoadBalancer(lb: LoadBalancerView, path: FieldPath, hasOutlierDetection: boolean, report: Reporter): void {
  if (lb.consistentHash) validateConsistentHash(lb.consistentHash, [...path, 'consistentHash'], report);
  if (lb.localityLbSetting) validateLocality(lb.localityLbSetting, [...path, 'localityLbSetting'], hasOutlierDetection, report);
  reportDuration(lb.warmupDurationSecs, [...path, 'warmupDurationSecs'], report);
  if (lb.warmup) {
    reportDuration(lb.warmup.duration, [...path, 'warmup', 'duration'], report);
    if (lb.warmup.minimumPercent !== undefined) {
      const bad = checkPercentage(lb.warmup.minimumPercent);
      if (bad) report.error([...path, 'warmup', 'minimumPercent'], bad);
    }
  }
}

/** The schema allows one hash key and one algorithm; the rest is checked here. */
function validateConsistentHash(ch: ConsistentHashView, path: FieldPath, report: Reporter): void {
  if (!HASH_KEYS.some((k) => ch[k] !== undefined && ch[k] !== false)) {
    report.warning(path, `no hash key is set, so requests are spread as if at random: set one of ${HASH_KEYS.join(', ')}`);
  }
  const cookie = ch.httpCookie;
  if (cookie) {
    if (cookie.name === '') report.error([...path, 'httpCookie', 'name'], 'cookie name must not be empty');
    if (typeof cookie.ttl === 'string') {
      const bad = checkDuration(cookie.ttl, { allowZero: true });
      if (bad) report.error([...path, 'httpCookie', 'ttl'], bad);
    }
  }
  if (ch.minimumRingSize !== undefined) {
    report.warning([...path, 'minimumRingSize'], 'minimumRingSize is deprecated: use ringHash.minimumRingSize');
    if (ch.ringHash || ch.maglev) report.error([...path, 'minimumRingSize'], 'cannot be set with ringHash or maglev: use ringHash.minimumRingSize');
  }
  const maglev = ch.maglev;
  if (maglev) {
    const size = maglev.tableSize;
    const at = [...path, 'maglev', 'tableSize'];
    if (size === undefined || size === 0) report.error(at, 'tableSize is required for maglev: a prime number such as 65537');
    else if (size >= MAGLEV_TABLE_LIMIT) report.error(at, `tableSize must be less than ${MAGLEV_TABLE_LIMIT}, got ${size}`);
    else if (!isPrime(size)) report.error(at, `tableSize must be a prime number, got ${size}`);
  }
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0) return false;
  for (let f = 3; f * f <= n; f += 2) if (n % f === 0) return false;
  return true;
}

/**
 * Locality load balancing either distributes traffic by weights, which sum to 100 for each source
 * locality, or fails over between regions, not both.
 */
function validateLocality(setting: LocalitySettingView, path: FieldPath, hasOutlierDetection: boolean, report: Reporter): void {
  const distribute = setting.distribute ?? [];
  const failover = setting.failover ?? [];
  const failoverPriority = setting.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    report.error(path, 'distribute and failover cannot both be set: weigh localities, or fail over between regions');
    return;
  }
  if (failover.length > 0) {
    failoverPriority.forEach((label, i) => {
      if (TOPOLOGY_LABELS.has(label)) {
        report.error([...path, 'failoverPriority', i], `"${label}" cannot be used with failover, which already orders by region`);
      }
    });
  }
  const sources: string[] = [];
  distribute.forEach((d, i) => {
    if (!d || typeof d !== 'object') return;
    const at = [...path, 'distribute', i];
    if (typeof d.from === 'string') sources.push(d.from);
    let total = 0;
    for (const [locality, weight] of Object.entries(d.to ?? {})) {
      if (typeof weight !== 'number') continue;
      if (weight < 1 || weight > 100) report.error([...at, 'to', locality], `locality weight must be between 1 and 100, got ${weight}`);
      total += weight;
    }
    if (total !== 100) report.error([...at, 'to'], `locality weights must sum to 100, got ${total}`);
    checkLocalities(Object.keys(d.to ?? {}), [...at, 'to'], report);
  });
  checkLocalities(sources, [...path, 'distribute'], report);
  if ((failover.length > 0 || failoverPriority.length > 0) && !hasOutlierDetection) {
    report.warning(path, 'failover needs outlierDetection in the same policy to notice unhealthy endpoints');
  }
  failover.forEach((f, i) => {
    if (!f || typeof f !== 'object') return;
    const at = [...path, 'failover', i];
    if (f.from === f.to) report.error(at, 'failover must be between different regions');
    if (f.from?.includes('/') || f.to?.includes('/')) report.error(at, 'failover names regions only, without zones ("us-east", not "us-east/zone1")');
    if (f.from?.includes('*') || f.to?.includes('*')) report.error(at, 'failover regions cannot have a "*" wildcard');
  });
}

/**
 * Localities are `region`, `region/zone` or `region/zone/subzone`, optionally ending in one `*`
 * wildcard, and none may cover another (`us-west/*` covers `us-west/zone1`).
 */
function checkLocalities(localities: readonly string[], path: FieldPath, report: Reporter): void {
  const seen: string[] = [];
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) {
      report.error(path, `locality "${locality}" may have one "*" wildcard, at the end only`);
      continue;
    }
    const parts = locality.split('/');
    if (parts.length > 3 || parts.some((p) => p === '')) {
      report.error(path, `locality "${locality}" must be region, region/zone or region/zone/subzone, with no empty part`);
      continue;
    }
    const clash = seen.find((s) => localityCovers(s, locality) || localityCovers(locality, s));
    if (clash !== undefined) report.error(path, `locality "${locality}" overlaps "${clash}"`);
    seen.push(locality);
  }
}

/** True when locality `a` includes all of `b`: `*` includes everything, `us-west` all its zones. */
function localityCovers(a: string, b: string): boolean {
  const base = (l: string) => (l === '*' ? '' : l.endsWith('/*') ? l.slice(0, -2) : l);
  const ba = base(a);
  const bb = base(b);
  return ba === '' || bb === ba || bb.startsWith(`${ba}/`);
}

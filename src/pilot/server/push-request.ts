// A push to one connection: what changed, the push context to generate from, and when the change
// started (for convergence time). Requests to one connection merge into one.
import { CLUSTER_TYPE, ENDPOINT_TYPE, parseClusterName } from '../../xds/index.js';
import type { PushContext } from '../model/push-context.js';
import type { PushTrigger } from './contracts.js';

/** A change waiting to be pushed: what changed, why, and since when. */
export interface PendingChange {
  /** True when every type is pushed; false for an EDS-only push. */
  readonly full: boolean;
  /** For an EDS-only push: the hosts whose endpoints changed; undefined means all. */
  readonly hosts?: ReadonlySet<string>;
  /** When the first change behind this push happened (Timers.now()), for convergence time. */
  readonly start: number;
  readonly reasons: ReadonlySet<string>;
}

/** A push, as queued for a connection: the change and the push context to generate from. */
export interface PushRequest extends PendingChange {
  readonly push: PushContext;
}

/** The change a trigger describes, started at `now`. */
export function changeOf(trigger: PushTrigger, now: number): PendingChange {
  return {
    full: trigger.full,
    ...(trigger.full || !trigger.hosts ? {} : { hosts: new Set(trigger.hosts) }),
    start: now,
    reasons: new Set([trigger.reason]),
  };
}

/** Merges two changes: full wins, host sets union (absent means all), the earliest start stays. */
export function mergeChanges(a: PendingChange, b: PendingChange): PendingChange {
  const full = a.full || b.full;
  const hosts = full || !a.hosts || !b.hosts ? undefined : new Set([...a.hosts, ...b.hosts]);
  return { full, ...(hosts ? { hosts } : {}), start: Math.min(a.start, b.start), reasons: new Set([...a.reasons, ...b.reasons]) };
}

/** Merges two push requests to one connection; the newer push context wins. */
export function mergePushRequests(older: PushRequest, newer: PushRequest): PushRequest {
  return { ...mergeChanges(older, newer), push: newer.push };
}

/**
 * Whether a push of `typeUrl` under `request` concerns a connection that watches `names`
 * (`undefined` for a wildcard watch). A full push concerns every type. An EDS-only push concerns
 * EDS, and only when one of the watched clusters is of a changed host; cluster names Heddle cannot
 * read are assumed to be concerned.
 */
export function pushConcerns(request: Pick<PushRequest, 'full' | 'hosts'>, typeUrl: string, names: ReadonlySet<string> | undefined): boolean {
  if (request.full) return true;
  if (typeUrl !== ENDPOINT_TYPE) return false;
  const hosts = request.hosts;
  if (!hosts || !names) return true;
  for (const name of names) {
    const key = parseClusterName(name);
    if (!key || hosts.has(key.host)) return true;
  }
  return false;
}

/** True when `typeUrl` depends on clusters being sent first (EDS answers warming clusters). */
export function warmsAfterClusters(typeUrl: string, sentTypes: ReadonlySet<string>): boolean {
  return typeUrl === ENDPOINT_TYPE && sentTypes.has(CLUSTER_TYPE);
}

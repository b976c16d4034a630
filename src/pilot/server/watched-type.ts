// What one connection watches of one xDS type, and where that type stands: the subscription
// (wildcard or names), the last response sent, the last ACK and NACK, and the resources the
// proxy holds from us. Shared by the State-of-the-World and Delta protocols.
import { ENDPOINT_TYPE, ROUTE_TYPE, SECRET_TYPE } from '../../xds/index.js';
import type { XdsResource } from '../generators/generator.js';

/** A response the proxy rejected. */
export interface NackRecord {
  readonly version: string;
  readonly nonce: string;
  readonly message: string;
  readonly at: Date;
}

/** One type's subscription and sync state on one connection. */
export interface WatchedType {
  readonly typeUrl: string;
  /** True while every resource of the type is wanted. */
  wildcard: boolean;
  /** Explicitly subscribed names (never `*`). */
  names: Set<string>;
  /** The client subscribed to `*` explicitly. */
  starSubscribed: boolean;
  /** The client has subscribed to a name at least once, which ends legacy (empty-list) wildcard. */
  everExplicit: boolean;
  nonceSent?: string;
  versionSent?: string;
  sentAt?: Date;
  nonceAcked?: string;
  versionAcked?: string;
  ackedAt?: Date;
  nack?: NackRecord;
  /** SotW: a hash of the last response's resources, to skip resending what the proxy already has. */
  hashSent?: string;
  /** The resources the proxy holds from us, by name. */
  resources: Map<string, XdsResource>;
  /** Delta: the version of each resource the proxy holds (ours, or from initial_resource_versions). */
  clientVersions: Map<string, string>;
  /** Answer the next request even if it looks like an ACK (EDS after clusters, for warming). */
  alwaysRespond: boolean;
}

/** How a subscription changed. */
export interface SubscriptionChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The subscription became a wildcard one. */
  readonly wildcardOn: boolean;
}

/** Listener and Cluster (and types Heddle does not know) may be wildcard; RDS, EDS and SDS never are. */
export function canWildcard(typeUrl: string): boolean {
  return typeUrl !== ROUTE_TYPE && typeUrl !== ENDPOINT_TYPE && typeUrl !== SECRET_TYPE;
}

/** A type nobody has subscribed to yet. */
export function createWatchedType(typeUrl: string): WatchedType {
  return {
    typeUrl,
    wildcard: false,
    names: new Set(),
    starSubscribed: false,
    everExplicit: false,
    resources: new Map(),
    clientVersions: new Map(),
    alwaysRespond: false,
  };
}

/** True when the proxy wants anything of this type. */
export function isSubscribed(w: WatchedType): boolean {
  return w.wildcard || w.names.size > 0;
}

/** True when the proxy wants the resource `name`. */
export function wants(w: WatchedType, name: string): boolean {
  return w.wildcard || w.names.has(name);
}

function updateWildcard(w: WatchedType): void {
  w.wildcard = w.starSubscribed || (canWildcard(w.typeUrl) && !w.everExplicit);
}

/**
 * Applies a State-of-the-World request's `resource_names`. An empty list is a wildcard only while
 * the client has never named a resource of the type (so its first request, and the ACKs of a
 * wildcard subscription); after that an empty list unsubscribes from everything. `*` is an
 * explicit wildcard.
 */
export function applySotwNames(w: WatchedType, requested: readonly string[]): SubscriptionChange {
  const wasWildcard = w.wildcard;
  const names = new Set(requested.filter((n) => n !== '*'));
  w.starSubscribed = requested.includes('*');
  if (names.size > 0) w.everExplicit = true;
  const added = [...names].filter((n) => !w.names.has(n));
  const removed = [...w.names].filter((n) => !names.has(n));
  w.names = names;
  updateWildcard(w);
  dropUnwanted(w);
  return { added, removed, wildcardOn: w.wildcard && !wasWildcard };
}

/**
 * Applies a Delta request's subscribe and unsubscribe lists. The first request of a type with
 * nothing to subscribe is a legacy wildcard; `*` subscribes and unsubscribes the wildcard
 * explicitly. Unsubscribed resources are forgotten without a removal.
 */
export function applyDeltaSubscription(w: WatchedType, subscribe: readonly string[], unsubscribe: readonly string[]): SubscriptionChange {
  const wasWildcard = w.wildcard;
  const added: string[] = [];
  const removed: string[] = [];
  for (const name of unsubscribe) {
    if (name === '*') w.starSubscribed = false;
    else if (w.names.delete(name)) removed.push(name);
  }
  for (const name of subscribe) {
    if (name === '*') w.starSubscribed = true;
    else {
      w.everExplicit = true;
      if (!w.names.has(name)) {
        w.names.add(name);
        added.push(name);
      }
    }
  }
  updateWildcard(w);
  dropUnwanted(w);
  return { added, removed, wildcardOn: w.wildcard && !wasWildcard };
}

/** Forgets resources the proxy no longer wants. */
function dropUnwanted(w: WatchedType): void {
  for (const name of [...w.resources.keys()]) if (!wants(w, name)) w.resources.delete(name);
  for (const name of [...w.clientVersions.keys()]) if (!wants(w, name)) w.clientVersions.delete(name);
}

/** Records a response sent. */
export function recordSent(w: WatchedType, nonce: string, version: string, at: Date): void {
  w.nonceSent = nonce;
  w.versionSent = version;
  w.sentAt = at;
}

/** Records an ACK of the last response. */
export function recordAck(w: WatchedType, at: Date): void {
  w.nonceAcked = w.nonceSent;
  w.versionAcked = w.versionSent;
  w.ackedAt = at;
}

/** Records a NACK of the last response; the proxy keeps what it had before. */
export function recordNack(w: WatchedType, message: string, at: Date): NackRecord {
  const nack = { version: w.versionSent ?? '', nonce: w.nonceSent ?? '', message, at };
  w.nack = nack;
  return nack;
}

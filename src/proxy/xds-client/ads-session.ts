// What a protocol session (State of the World or Delta) needs from the client, and what it offers.
import type { Logger } from '../../log/index.js';
import type { Node } from '../../xds/ads-service.js';
import type { ConfigStore } from './config-store.js';
import type { SidecarTypeUrl } from './resource-decoders.js';
import type { TypeState } from './xds-status.js';

/** Google's INVALID_ARGUMENT, the code of a NACK's error_detail. */
export const NACK_CODE = 3;

/** The client side of one ADS stream. */
export interface AdsSessionContext<Req> {
  readonly node: Node;
  readonly store: ConfigStore;
  readonly states: ReadonlyMap<SidecarTypeUrl, TypeState>;
  readonly log: Logger;
  /** Writes a request on this stream (a no-op once the stream is gone). */
  write(request: Req): void;
}

/** One ADS stream's protocol: the first requests, and the handling of each response. */
export interface AdsSession<Res> {
  /** Sends the initial subscriptions (resuming from what was accepted on earlier streams). */
  start(): void;
  /** Handles one response: decode, apply or reject, ACK or NACK, then follow subscription changes. */
  onResponse(response: Res): void;
  /** Sends EDS and RDS subscription changes, if the clusters and listeners changed what they reference. */
  followSubscriptions(): void;
}

// One xDS stream from one proxy: who it is, what it watches per type, and how to answer it.
import { XDS_TYPES } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { WatchedType } from './watched-type.js';

/** The two ADS variants. */
export type XdsProtocol = 'sotw' | 'delta';

/** Builds and sends one type's response on a stream, in the stream's protocol. */
export interface TypeResponder {
  /**
   * Generates `watched` from `push` and sends it when the proxy does not already have exactly
   * that, or always when `force` is set. Returns true when a response went out.
   */
  respond(watched: WatchedType, push: PushContext, force: boolean): boolean;
}

/** Everything a connection is made of when its stream opens. */
export interface XdsConnectionInit {
  readonly id: string;
  readonly proxy: Proxy;
  readonly protocol: XdsProtocol;
  readonly peer: string;
  readonly connectedAt: Date;
  readonly responder: TypeResponder;
  /** Ends the stream, with an error status when `err` is given. */
  readonly end: (err?: unknown) => void;
}

const KNOWN_ORDER = new Map<string, number>(XDS_TYPES.map((t, i) => [t, i]));

/** A connected proxy's stream and its per-type state. Lives as long as the stream. */
export class XdsConnection {
  readonly id: string;
  readonly proxy: Proxy;
  readonly protocol: XdsProtocol;
  readonly peer: string;
  readonly connectedAt: Date;
  readonly responder: TypeResponder;
  readonly end: (err?: unknown) => void;
  /** Subscriptions and sync state, by type URL. */
  readonly watched = new Map<string, WatchedType>();
  /** The version of the last push context this connection was brought up to date with. */
  pushVersion?: string;

  constructor(init: XdsConnectionInit) {
    this.id = init.id;
    this.proxy = init.proxy;
    this.protocol = init.protocol;
    this.peer = init.peer;
    this.connectedAt = init.connectedAt;
    this.responder = init.responder;
    this.end = init.end;
  }

  /** The watched types in push order: CDS, EDS, LDS, RDS, SDS, then any others by type URL. */
  watchedInOrder(): WatchedType[] {
    const rank = (t: string): number => KNOWN_ORDER.get(t) ?? XDS_TYPES.length;
    return [...this.watched.values()].sort((a, b) => rank(a.typeUrl) - rank(b.typeUrl) || (a.typeUrl < b.typeUrl ? -1 : a.typeUrl > b.typeUrl ? 1 : 0));
  }
}

// Finds the cached metric series of a telemetry event without building a key string per event.
import type { PeerWorkload, TcpConnectionEvent, HttpRequestEvent } from './events.js';

/** Interned ids stay below this; past it the whole cache starts over, so the numeric keys never overflow. */
const MAX_IDS = 4096;

/**
 * A cache from an event's label-determining fields to a value (its metric series). Lookups are
 * nested Maps on small numbers and on the destination-service string, which the data path passes
 * as the same string each time; a steady stream of alike events allocates nothing here.
 */
export class MetricKeyCache<T> {
  private readonly byPeers = new Map<number, Map<string, Map<number, T>>>();
  private peerIdsByObject = new WeakMap<PeerWorkload, number>();
  private readonly peerIdsByContent = new Map<string, number>();
  private readonly interned = new Map<string, number>();
  private entries = 0;

  constructor(private readonly maxEntries = 10_000) {}

  /** The value stored for the event's label set, or undefined. */
  get(e: HttpRequestEvent | TcpConnectionEvent, code: number, grpcStatus: string | undefined): T | undefined {
    return this.leaf(e, false)?.get(this.detailKey(e, code, grpcStatus));
  }

  /** Stores `value` for the event's label set. */
  set(e: HttpRequestEvent | TcpConnectionEvent, code: number, grpcStatus: string | undefined, value: T): void {
    if (this.entries >= this.maxEntries || this.peerIdsByContent.size >= MAX_IDS || this.interned.size >= MAX_IDS) this.clear();
    const key = this.detailKey(e, code, grpcStatus);
    this.leaf(e, true)!.set(key, value);
    this.entries++;
  }

  /** Forgets everything (the metric series themselves live on in their families). */
  clear(): void {
    this.byPeers.clear();
    this.peerIdsByObject = new WeakMap();
    this.peerIdsByContent.clear();
    this.interned.clear();
    this.entries = 0;
  }

  private leaf(e: HttpRequestEvent | TcpConnectionEvent, create: boolean): Map<number, T> | undefined {
    const pair = this.peerId(e.source) * MAX_IDS + this.peerId(e.destination);
    let byService = this.byPeers.get(pair);
    if (!byService) {
      if (!create) return undefined;
      byService = new Map();
      this.byPeers.set(pair, byService);
    }
    const service = e.destinationService ?? '';
    let leaf = byService.get(service);
    if (!leaf && create) {
      leaf = new Map();
      byService.set(service, leaf);
    }
    return leaf;
  }

  /** Response code (0..999, else 999), reporter, protocol, security policy, flags and gRPC status in one number. */
  private detailKey(e: HttpRequestEvent | TcpConnectionEvent, code: number, grpcStatus: string | undefined): number {
    const c = code >= 0 && code < 1000 ? code : 999;
    const policy = e.connectionSecurityPolicy === 'mutual_tls' ? 1 : e.connectionSecurityPolicy === 'none' ? 2 : 3;
    const grpc = 'requestProtocol' in e && e.requestProtocol === 'grpc' ? 1 : 0;
    const small = (e.reporter === 'source' ? 1 : 0) + 2 * grpc + 4 * policy;
    const flags = e.responseFlags.length === 0 ? 0 : this.intern(e.responseFlags.length === 1 ? e.responseFlags[0]! : e.responseFlags.join(','));
    const status = grpcStatus === undefined ? 0 : this.intern(grpcStatus);
    return c + 1000 * (small + 16 * (flags + MAX_IDS * status));
  }

  private intern(s: string): number {
    let id = this.interned.get(s);
    if (id === undefined) {
      id = this.interned.size + 1;
      this.interned.set(s, id);
    }
    return id;
  }

  private peerId(p: PeerWorkload): number {
    let id = this.peerIdsByObject.get(p);
    if (id !== undefined) return id;
    const content = `${p.workload}\n${p.namespace}\n${p.principal}\n${p.app}\n${p.version}\n${p.canonicalService}\n${p.canonicalRevision}\n${p.cluster}`;
    id = this.peerIdsByContent.get(content);
    if (id === undefined) {
      id = this.peerIdsByContent.size;
      this.peerIdsByContent.set(content, id);
    }
    this.peerIdsByObject.set(p, id);
    return id;
  }
}

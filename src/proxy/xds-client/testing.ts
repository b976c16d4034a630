// Test support: a fake ADS server driven by the test, and timers the test fires by hand.
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, type DeltaDiscoveryRequest__Output, type DiscoveryRequest__Output } from '../../xds/ads-service.js';
import type { TimerHandle, XdsTimers } from './xds-client-options.js';

interface FakeTimer {
  readonly id: number;
  readonly fn: () => void;
  readonly ms: number;
}

/** Timers that never fire by themselves: the test fires them with {@link FakeTimers.fire}. */
export class FakeTimers implements XdsTimers {
  private readonly timers = new Map<number, FakeTimer>();
  private nextId = 1;

  constructor(private readonly randomValue = 0) {}

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, fn, ms });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  random(): number {
    return this.randomValue;
  }

  /** The delays of the timers still pending, in the order they were set. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }

  /** Fires (and removes) every pending timer whose delay satisfies `match`; returns how many fired. */
  fire(match: (ms: number) => boolean): number {
    const due = [...this.timers.values()].filter((t) => match(t.ms));
    for (const t of due) {
      this.timers.delete(t.id);
      t.fn();
    }
    return due.length;
  }
}

type AnyRequest = DiscoveryRequest__Output | DeltaDiscoveryRequest__Output;
type Call = grpc.ServerDuplexStream<AnyRequest, object>;

/** A fake ADS server: it records requests and sends whatever the test tells it to. */
export interface FakeAds {
  readonly port: number;
  readonly address: string;
  /** How many streams have been opened. */
  readonly streams: number;
  /** Waits (at most `ms`) for the next request not yet taken that satisfies `match`, and takes it. */
  next<T extends AnyRequest = DiscoveryRequest__Output>(match: (r: T) => boolean, ms?: number): Promise<T>;
  /** Every request received, in order. */
  readonly requests: readonly AnyRequest[];
  /** Sends `response` on the newest stream. */
  send(response: object): void;
  /** Stops the server at once, ending every stream. */
  close(): Promise<void>;
}

/** Starts a fake ADS server on loopback, on `port` (0 picks one). */
export async function startFakeAds(port = 0): Promise<FakeAds> {
  const server = new grpc.Server();
  const requests: AnyRequest[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  let latest: Call | undefined;
  let streams = 0;
  const serve = (call: Call) => {
    streams++;
    latest = call;
    call.on('data', (r: AnyRequest) => {
      requests.push(r);
      for (const w of [...waiters]) w();
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };
  server.addService(adsServiceDefinition(), { StreamAggregatedResources: serve, DeltaAggregatedResources: serve });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    address: `127.0.0.1:${bound}`,
    get streams() {
      return streams;
    },
    requests,
    next<T extends AnyRequest>(match: (r: T) => boolean, ms = 5000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const i = requests.findIndex((r, idx) => !taken.has(idx) && match(r as T));
          if (i < 0) return false;
          taken.add(i);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests[i] as T);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching request within ${ms} ms; got ${JSON.stringify(requests.map((r) => [r.type_url, r.response_nonce]))}`));
        }, ms);
        if (!check()) waiters.add(check);
      });
    },
    send(response: object): void {
      if (!latest) throw new Error('no stream is open');
      latest.write(response);
    },
    close(): Promise<void> {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}

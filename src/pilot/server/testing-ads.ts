// Test support: an ADS server on loopback over a fake world, and a real grpc-js client for it
// whose reads are bounded in time. Tests only.
import * as grpc from '@grpc/grpc-js';
import {
  CLUSTER_TYPE, ENDPOINT_TYPE, loadAds, type AggregatedDiscoveryServiceClient, type DeltaDiscoveryRequest, type DeltaDiscoveryResponse__Output,
  type DiscoveryRequest, type DiscoveryResponse__Output, type Node,
} from '../../xds/index.js';
import { structFromJson, type JsonObject } from '../../xds/struct.js';
import type { Generator, XdsResource } from '../generators/generator.js';
import { parseProxy } from '../model/parse-proxy.js';
import { createAdsServer, type AdsServer, type AdsServerOptions } from './ads-server.js';
import { captureLogs, createManualTimers, fakeGenerators, fakeResource, type FakePushContext, type ManualTimers } from './testing.js';

/** One client stream, read one response at a time. */
export class AdsStream<Req, Res> {
  private readonly received: Res[] = [];
  private waiter: ((r: Res) => void) | undefined;
  private readonly ended: Promise<grpc.StatusObject>;

  private syncs = 0;

  constructor(
    private readonly call: grpc.ClientDuplexStream<Req, Res>,
    private readonly syncRequest: (name: string) => Req,
  ) {
    call.on('data', (r: Res) => {
      if (this.waiter) this.waiter(r);
      else this.received.push(r);
    });
    call.on('error', () => undefined);
    this.ended = new Promise((resolve) => call.on('status', resolve));
  }

  send(request: Req): void {
    this.call.write(request);
  }

  /** The next response; rejects after `ms` (a failure bound, not a wait). */
  next(ms = 3000): Promise<Res> {
    const queued = this.received.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no response within ${ms} ms`));
      }, ms);
      this.waiter = (r) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(r);
      };
    });
  }

  /** The status the stream ended with; rejects after `ms`. */
  status(ms = 3000): Promise<grpc.StatusObject> {
    return Promise.race([this.ended, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('stream did not end')), ms).unref())]);
  }

  /**
   * Sends a request for the test-only sync type, which is always answered, and returns every
   * response that came before that answer: the server handles a stream's requests in order, so
   * this shows what the earlier requests caused without waiting for time to pass.
   */
  async sync(): Promise<Res[]> {
    this.send(this.syncRequest(`sync-${++this.syncs}`));
    const before: Res[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await this.next();
      if ((r as { type_url?: string }).type_url === SYNC_TYPE) return before;
      before.push(r);
    }
    throw new Error('the sync response never came');
  }

  /** Half-closes the stream, as a client that is done. */
  end(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** A type only tests use: its requests are always answered, in order with everything else. */
export const SYNC_TYPE = 'type.googleapis.com/heddle.test.Sync';

const syncGenerator: Generator = {
  typeUrl: SYNC_TYPE as Generator['typeUrl'],
  generate: (_proxy, _push, names) => (names ?? []).map((n) => fakeResource(CLUSTER_TYPE, n)),
};

/** An xDS node as a proxy would send it. */
export function node(id: string, metadata: JsonObject = {}): Node {
  return { id, metadata: structFromJson(metadata) };
}

/** A running test server with its fake world. */
export interface TestAds {
  readonly server: AdsServer;
  readonly port: number;
  readonly timers: ManualTimers;
  readonly logs: Array<Record<string, unknown>>;
  /** Generator calls: `proxy typeUrl names|*`. */
  readonly calls: string[];
  /** How many push contexts were built. */
  pushContexts(): number;
  /** Puts a resource in the world: seen from the next push context, or at once for endpoints. */
  set(typeUrl: string, name: string, variant?: number): void;
  remove(typeUrl: string, name: string): void;
  sotw(): AdsStream<DiscoveryRequest, DiscoveryResponse__Output>;
  delta(): AdsStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;
  /** Debounces nothing: pushes `full` (or EDS for `hosts`) now and waits for the queue. */
  pushNow(full: boolean, hosts?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with a free port, fake generators and manual timers. */
export async function startTestAds(overrides: Partial<AdsServerOptions> = {}): Promise<TestAds> {
  const timers = createManualTimers();
  const { log, lines } = captureLogs();
  const calls: string[] = [];
  const world = new Map<string, Map<string, XdsResource>>([[ENDPOINT_TYPE, new Map()]]);
  let built = 0;
  const server = createAdsServer({
    generators: new Map([...fakeGenerators(calls), [SYNC_TYPE, syncGenerator]]),
    parseProxy,
    createPushContext: () => {
      // Endpoints are read live, as the real push context reads them from the registry.
      const copy = new Map([...world].map(([t, m]) => [t, t === ENDPOINT_TYPE ? m : new Map(m)]));
      return { version: `v${++built}`, world: copy } as unknown as FakePushContext;
    },
    log,
    timers,
    ...overrides,
  });
  const port = await server.listen('127.0.0.1', 0);
  const Ads = loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService;
  const clients: AggregatedDiscoveryServiceClient[] = [];
  const client = (): AggregatedDiscoveryServiceClient => {
    const c = new Ads(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    clients.push(c);
    return c;
  };
  return {
    server,
    port,
    timers,
    logs: lines,
    calls,
    pushContexts: () => built,
    set(typeUrl, name, variant = 0) {
      let byName = world.get(typeUrl);
      if (!byName) world.set(typeUrl, (byName = new Map()));
      byName.set(name, fakeResource(typeUrl, name, variant));
    },
    remove: (typeUrl, name) => void world.get(typeUrl)?.delete(name),
    sotw: () => new AdsStream<DiscoveryRequest, DiscoveryResponse__Output>(client().StreamAggregatedResources(), (name) => ({ type_url: SYNC_TYPE, resource_names: [name] })),
    delta: () => new AdsStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>(client().DeltaAggregatedResources(), (name) => ({ type_url: SYNC_TYPE, resource_names_subscribe: [name] })),
    async pushNow(full, hosts) {
      server.push({ full, ...(hosts ? { hosts } : {}), reason: full ? 'config' : 'endpoints' });
      server.flush();
      await server.idle();
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}
